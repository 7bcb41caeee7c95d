// env::Value — an immutable, structurally shared JSON tree: the representation of every app's
// state. Copying a Value copies one pointer; "modifying" one returns a new tree that shares every
// untouched subtree with the old one (path copying). So a snapshot or fork of a world costs O(1),
// a write costs the width of the nodes on its path, and a diff of two states skips shared
// subtrees by pointer comparison.
//
// Numbers keep whether they were integers or floats (100 vs 100.0), because the canonical text
// (and so the state hash) depends on it.
//
// Canonical text is Python's `json.dumps(value, sort_keys=True)`: separators ", " and ": ",
// ensure_ascii (\uXXXX escapes), floats as Python repr (100.0, -16.63, 1e-05). Using exactly
// that form makes our state hashes equal to tau-bench-style reference hashes. Objects keep their
// members sorted by key bytes (= Python's code-point order for UTF-8).
//
//   ASSAY_ASSIGN_OR_RETURN(env::Value v, env::Value::Parse(R"({"a": [1, 2.5]})"));
//   env::Value w = v.With("b", env::Value::String("x"));       // v is unchanged
//   ASSAY_ASSIGN_OR_RETURN(env::Value u, w.SetAt("/a/0", env::Value::Int(7)));
//   std::string text = u.Canonical();   // {"a": [7, 2.5], "b": "x"}
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace env {

// Receives canonical text in pieces (a string, a hash).
class TextSink {
 public:
  virtual ~TextSink() = default;
  virtual void Append(std::string_view text) = 0;
};

class Value;
using Member = std::pair<std::string, Value>;
// An object's members are kept in sorted chunks of at most 64, shared between versions of the
// object, so a write to a wide object copies one chunk and the chunk list, not every member.
using MemberChunk = std::vector<Member>;
using MemberChunks = std::vector<std::shared_ptr<const MemberChunk>>;

class MemberRange;

class Value {
 public:
  enum class Kind : uint8_t { kNull, kBool, kInt, kFloat, kString, kArray, kObject };
  using Member = env::Member;

  Value() = default;  // null
  static Value Bool(bool b);
  static Value Int(int64_t i);
  static Value Float(double d);
  static Value String(std::string s);
  static Value Array(std::vector<Value> elements);
  // Members in any order; on duplicate keys the last one wins.
  static Value Object(std::vector<Member> members);
  static Value EmptyObject() { return Object({}); }

  // From nlohmann::json (floats stay floats) and back.
  static Value FromJson(const nlohmann::json& j);
  nlohmann::json ToJson() const;
  // Parses JSON text; the error names the byte offset.
  static base::Result<Value> Parse(std::string_view text);

  Kind kind() const;
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_number() const { return kind() == Kind::kInt || kind() == Kind::kFloat; }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_array() const { return kind() == Kind::kArray; }
  bool is_object() const { return kind() == Kind::kObject; }
  static std::string_view KindName(Kind kind);

  // Accessors assert the kind; AsDouble accepts ints too.
  bool AsBool() const;
  int64_t AsInt() const;
  double AsDouble() const;
  const std::string& AsString() const;
  // Views of the children (empty for other kinds).
  std::span<const Value> elements() const;  // array
  MemberRange members() const;              // object, sorted by key
  size_t size() const;                      // array or object; 0 otherwise

  // Object member or nullptr (binary search).
  const Value* Find(std::string_view key) const;
  // JSON Pointer (RFC 6901) lookup: "/orders/#W1/items/0". "" is the value itself.
  const Value* At(std::string_view pointer) const;

  // Copies of this node with one change; children are shared.
  Value With(std::string_view key, Value v) const;  // object: add or replace
  Value Without(std::string_view key) const;        // object: remove if present
  Value WithElement(size_t index, Value v) const;   // array: replace
  Value Appended(Value v) const;                    // array: push_back
  // Sets the value at a JSON Pointer, path-copying every ancestor. The parent must exist; the
  // last token may name a new object member, an existing array index, or "-" (append).
  base::Result<Value> SetAt(std::string_view pointer, Value v) const;
  base::Result<Value> RemoveAt(std::string_view pointer) const;

  // Calls f(key, before, after) for every key whose member is not the same node in objects a and
  // b (before/after null where the key is missing), in key order, skipping chunks both share.
  static void ZipChangedMembers(
      const Value& a, const Value& b,
      const std::function<void(const std::string& key, const Value* before, const Value* after)>&
          f);

  // Whether both handles point at the same node (so they are equal without looking inside).
  bool SameNode(const Value& other) const { return node_ == other.node_; }
  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

  // Canonical text (see the file comment). Containers cache it, so a subtree shared between
  // worlds is serialised once.
  std::string Canonical() const;
  void WriteCanonical(TextSink& sink) const;
  // sha256 hex of the canonical text.
  std::string Sha256() const;

  // Number of nodes in this tree (1 for a scalar).
  size_t NodeCount() const;
  // About the length of this tree's JSON text — strings and keys at their byte length, 8 bytes
  // for every value besides — kept in every node, so O(1). What bounds a session's world
  // (SessionLimits::max_world_bytes); it counts a subtree shared twice twice, as the text does.
  size_t TextBytes() const;

  struct Node;  // defined in value.cc

 private:
  explicit Value(std::shared_ptr<const Node> node) : node_(std::move(node)) {}
  std::shared_ptr<const Node> node_;  // null for JSON null
};

// A read-only view of an object's members in key order (forward iteration).
class MemberRange {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Member;
    using difference_type = std::ptrdiff_t;
    using pointer = const Member*;
    using reference = const Member&;
    iterator() = default;
    iterator(const MemberChunks* chunks, size_t chunk, size_t offset)
        : chunks_(chunks), chunk_(chunk), offset_(offset) {}
    const Member& operator*() const { return (*(*chunks_)[chunk_])[offset_]; }
    const Member* operator->() const { return &**this; }
    iterator& operator++() {
      if (++offset_ == (*chunks_)[chunk_]->size()) {
        ++chunk_;
        offset_ = 0;
      }
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++*this;
      return old;
    }
    bool operator==(const iterator& o) const { return chunk_ == o.chunk_ && offset_ == o.offset_; }
    bool operator!=(const iterator& o) const { return !(*this == o); }

   private:
    const MemberChunks* chunks_ = nullptr;
    size_t chunk_ = 0;
    size_t offset_ = 0;
  };

  MemberRange() = default;
  MemberRange(const MemberChunks* chunks, size_t size) : chunks_(chunks), size_(size) {}
  iterator begin() const { return {chunks_, 0, 0}; }
  iterator end() const { return {chunks_, chunks_ ? chunks_->size() : 0, 0}; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  const MemberChunks* chunks_ = nullptr;
  size_t size_ = 0;
};

// Python's repr(float): shortest round-trip digits, "100.0", "1e-05", "1e+16", "NaN", "Infinity".
std::string PythonFloatRepr(double d);
void AppendPythonFloatRepr(double d, std::string& out);
// Python json.dumps string literal with ensure_ascii=True (quotes included).
void AppendPythonJsonString(std::string_view s, std::string& out);
// Python's round(x, ndigits) for floats: correctly rounded to the decimal, then back to double.
double PythonRound(double x, int ndigits);

// JSON Pointer helpers: "/a~1b/c" <-> {"a/b", "c"}.
std::vector<std::string> SplitPointer(std::string_view pointer);
std::string JoinPointer(const std::vector<std::string>& tokens);
std::string AppendPointer(std::string_view pointer, std::string_view token);

}  // namespace env
