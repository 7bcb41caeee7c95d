#include "env/value.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>

#include "base/json.h"
#include "env/sha256.h"

namespace env {

// Containers with more nodes than this stream their children instead of caching their own
// text, so a world's root (megabytes) is never materialised just to be hashed, while records
// (an order, a mail) are serialised once and shared by every fork that did not touch them.
constexpr size_t kCacheMaxNodes = 4096;
// TextBytes of a scalar other than a string, and the overhead of every value (a string's is
// added to its length): about what a number, brackets or quotes and a separator take as text.
constexpr size_t kScalarBytes = 8;
// Object members per chunk: a write copies one chunk (at most this many members) plus the list
// of chunk pointers (members / 32..64 entries).
constexpr size_t kChunkMax = 64;

struct Value::Node {
  Kind kind = Kind::kNull;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string s;
  std::vector<Value> elements;
  MemberChunks chunks;      // object: sorted by key, unique, non-empty chunks of <= kChunkMax
  size_t member_count = 0;  // object: total members
  size_t node_count = 1;
  size_t text_bytes = kScalarBytes;  // see Value::TextBytes
  mutable std::once_flag canonical_once;
  mutable std::string canonical;  // set once under canonical_once (containers only)
};

namespace {

using Node = Value::Node;

size_t CountNodes(const std::vector<Value>& elements) {
  size_t n = 1;
  for (const Value& e : elements) n += e.NodeCount();
  return n;
}
size_t CountNodes(const std::vector<Member>& members) {
  size_t n = 1;
  for (const auto& [k, v] : members) n += v.NodeCount();
  return n;
}

// TextBytes of a member: its key and its value.
size_t MemberBytes(std::string_view key, const Value& v) { return key.size() + v.TextBytes(); }
size_t CountBytes(const std::vector<Value>& elements) {
  size_t n = kScalarBytes;
  for (const Value& e : elements) n += e.TextBytes();
  return n;
}
size_t CountBytes(const std::vector<Member>& members) {
  size_t n = kScalarBytes;
  for (const auto& [k, v] : members) n += MemberBytes(k, v);
  return n;
}

MemberChunks ChunksFromSorted(std::vector<Member> sorted) {
  MemberChunks chunks;
  chunks.reserve((sorted.size() + kChunkMax - 1) / kChunkMax);
  for (size_t i = 0; i < sorted.size(); i += kChunkMax) {
    const size_t end = std::min(sorted.size(), i + kChunkMax);
    chunks.push_back(std::make_shared<const MemberChunk>(
        std::make_move_iterator(sorted.begin() + static_cast<std::ptrdiff_t>(i)),
        std::make_move_iterator(sorted.begin() + static_cast<std::ptrdiff_t>(end))));
  }
  return chunks;
}

// The chunk that holds `key` or would receive it: the first whose last key is >= key, else the
// last chunk. `chunks` must not be empty.
size_t ChunkFor(const MemberChunks& chunks, std::string_view key) {
  size_t lo = 0, hi = chunks.size();
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (chunks[mid]->back().first < key) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo == chunks.size() ? chunks.size() - 1 : lo;
}

template <typename Members>  // const or mutable vector<Member>
auto FindMember(Members& members, std::string_view key) {
  return std::lower_bound(members.begin(), members.end(), key,
                          [](const Member& m, std::string_view k) { return std::string_view(m.first) < k; });
}

class StringSink final : public TextSink {
 public:
  explicit StringSink(std::string& out) : out_(out) {}
  void Append(std::string_view text) override { out_.append(text); }

 private:
  std::string& out_;
};

class HashSink final : public TextSink {
 public:
  void Append(std::string_view text) override { hash_.Update(text); }
  std::string Hex() { return hash_.FinalHex(); }

 private:
  Sha256Stream hash_;
};

bool ParseIndex(std::string_view token, size_t* index) {
  if (token.empty() || (token.size() > 1 && token[0] == '0')) return false;
  auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), *index);
  return ec == std::errc() && ptr == token.data() + token.size();
}

}  // namespace

Value Value::Bool(bool b) {
  auto n = std::make_shared<Node>();
  n->kind = Kind::kBool;
  n->b = b;
  return Value(std::move(n));
}
Value Value::Int(int64_t i) {
  auto n = std::make_shared<Node>();
  n->kind = Kind::kInt;
  n->i = i;
  return Value(std::move(n));
}
Value Value::Float(double d) {
  auto n = std::make_shared<Node>();
  n->kind = Kind::kFloat;
  n->d = d;
  return Value(std::move(n));
}
Value Value::String(std::string s) {
  auto n = std::make_shared<Node>();
  n->kind = Kind::kString;
  n->text_bytes = kScalarBytes + s.size();
  n->s = std::move(s);
  return Value(std::move(n));
}
Value Value::Array(std::vector<Value> elements) {
  auto n = std::make_shared<Node>();
  n->kind = Kind::kArray;
  n->node_count = CountNodes(elements);
  n->text_bytes = CountBytes(elements);
  n->elements = std::move(elements);
  return Value(std::move(n));
}
Value Value::Object(std::vector<Member> members) {
  std::stable_sort(members.begin(), members.end(),
                   [](const Member& a, const Member& b) { return a.first < b.first; });
  // Keep the last of equal keys.
  std::vector<Member> unique;
  unique.reserve(members.size());
  for (auto& m : members) {
    if (!unique.empty() && unique.back().first == m.first) {
      unique.back().second = std::move(m.second);
    } else {
      unique.push_back(std::move(m));
    }
  }
  auto n = std::make_shared<Node>();
  n->kind = Kind::kObject;
  n->node_count = CountNodes(unique);
  n->text_bytes = CountBytes(unique);
  n->member_count = unique.size();
  n->chunks = ChunksFromSorted(std::move(unique));
  return Value(std::move(n));
}

Value Value::FromJson(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      return Value();
    case nlohmann::json::value_t::boolean:
      return Bool(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return Int(j.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned: {
      const uint64_t u = j.get<uint64_t>();
      if (u > static_cast<uint64_t>(INT64_MAX)) return Float(static_cast<double>(u));
      return Int(static_cast<int64_t>(u));
    }
    case nlohmann::json::value_t::number_float:
      return Float(j.get<double>());
    case nlohmann::json::value_t::string:
      return String(j.get<std::string>());
    case nlohmann::json::value_t::array: {
      std::vector<Value> elements;
      elements.reserve(j.size());
      for (const auto& e : j) elements.push_back(FromJson(e));
      return Array(std::move(elements));
    }
    case nlohmann::json::value_t::object: {
      // nlohmann's object is a std::map: already sorted and unique.
      std::vector<Member> members;
      members.reserve(j.size());
      for (auto it = j.begin(); it != j.end(); ++it) members.emplace_back(it.key(), FromJson(*it));
      auto n = std::make_shared<Node>();
      n->kind = Kind::kObject;
      n->node_count = CountNodes(members);
      n->text_bytes = CountBytes(members);
      n->member_count = members.size();
      n->chunks = ChunksFromSorted(std::move(members));
      return Value(std::move(n));
    }
    case nlohmann::json::value_t::binary:
      return Value();
  }
  return Value();
}

nlohmann::json Value::ToJson() const {
  switch (kind()) {
    case Kind::kNull:
      return nullptr;
    case Kind::kBool:
      return node_->b;
    case Kind::kInt:
      return node_->i;
    case Kind::kFloat:
      return node_->d;
    case Kind::kString:
      return node_->s;
    case Kind::kArray: {
      nlohmann::json out = nlohmann::json::array();
      for (const Value& e : node_->elements) out.push_back(e.ToJson());
      return out;
    }
    case Kind::kObject: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [k, v] : members()) out[k] = v.ToJson();
      return out;
    }
  }
  return nullptr;
}

base::Result<Value> Value::Parse(std::string_view text) {
  ASSAY_ASSIGN_OR_RETURN(nlohmann::json j, base::ParseJson(text));
  return FromJson(j);
}

Value::Kind Value::kind() const { return node_ ? node_->kind : Kind::kNull; }

std::string_view Value::KindName(Kind kind) {
  switch (kind) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return "boolean";
    case Kind::kInt:
      return "integer";
    case Kind::kFloat:
      return "number";
    case Kind::kString:
      return "string";
    case Kind::kArray:
      return "array";
    case Kind::kObject:
      return "object";
  }
  return "?";
}

bool Value::AsBool() const {
  assert(is_bool());
  return node_->b;
}
int64_t Value::AsInt() const {
  assert(kind() == Kind::kInt);
  return node_->i;
}
double Value::AsDouble() const {
  assert(is_number());
  return node_->kind == Kind::kInt ? static_cast<double>(node_->i) : node_->d;
}
const std::string& Value::AsString() const {
  assert(is_string());
  return node_->s;
}
std::span<const Value> Value::elements() const {
  if (!is_array()) return {};
  return node_->elements;
}
MemberRange Value::members() const {
  if (!is_object()) return {};
  return MemberRange(&node_->chunks, node_->member_count);
}
size_t Value::size() const {
  if (is_array()) return node_->elements.size();
  if (is_object()) return node_->member_count;
  return 0;
}
size_t Value::NodeCount() const { return node_ ? node_->node_count : 1; }
size_t Value::TextBytes() const { return node_ ? node_->text_bytes : kScalarBytes; }

const Value* Value::Find(std::string_view key) const {
  if (!is_object() || node_->chunks.empty()) return nullptr;
  const MemberChunk& chunk = *node_->chunks[ChunkFor(node_->chunks, key)];
  auto it = FindMember(chunk, key);
  if (it == chunk.end() || it->first != key) return nullptr;
  return &it->second;
}

const Value* Value::At(std::string_view pointer) const {
  const Value* cur = this;
  for (const std::string& token : SplitPointer(pointer)) {
    if (cur->is_object()) {
      cur = cur->Find(token);
    } else if (cur->is_array()) {
      size_t index = 0;
      if (!ParseIndex(token, &index) || index >= cur->node_->elements.size()) return nullptr;
      cur = &cur->node_->elements[index];
    } else {
      return nullptr;
    }
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

Value Value::With(std::string_view key, Value v) const {
  assert(is_object());
  auto n = std::make_shared<Node>();
  n->kind = Kind::kObject;
  n->chunks = node_->chunks;  // pointers only; the one touched chunk is copied below
  if (n->chunks.empty()) {
    n->node_count = 1 + v.NodeCount();
    n->text_bytes = kScalarBytes + MemberBytes(key, v);
    n->member_count = 1;
    n->chunks.push_back(
        std::make_shared<const MemberChunk>(MemberChunk{{std::string(key), std::move(v)}}));
    return Value(std::move(n));
  }
  const size_t c = ChunkFor(n->chunks, key);
  auto chunk = std::make_shared<MemberChunk>(*n->chunks[c]);
  auto it = FindMember(*chunk, key);
  n->member_count = node_->member_count;
  if (it != chunk->end() && it->first == key) {
    n->node_count = node_->node_count - it->second.NodeCount() + v.NodeCount();
    n->text_bytes = node_->text_bytes - it->second.TextBytes() + v.TextBytes();
    it->second = std::move(v);
  } else {
    n->node_count = node_->node_count + v.NodeCount();
    n->text_bytes = node_->text_bytes + MemberBytes(key, v);
    ++n->member_count;
    chunk->emplace(it, std::string(key), std::move(v));
  }
  if (chunk->size() > kChunkMax) {  // split in halves
    const auto half = static_cast<std::ptrdiff_t>(chunk->size() / 2);
    auto upper = std::make_shared<const MemberChunk>(std::make_move_iterator(chunk->begin() + half),
                                                     std::make_move_iterator(chunk->end()));
    chunk->resize(static_cast<size_t>(half));
    n->chunks[c] = std::move(chunk);
    n->chunks.insert(n->chunks.begin() + static_cast<std::ptrdiff_t>(c) + 1, std::move(upper));
  } else {
    n->chunks[c] = std::move(chunk);
  }
  return Value(std::move(n));
}

Value Value::Without(std::string_view key) const {
  assert(is_object());
  if (node_->chunks.empty()) return *this;
  const size_t c = ChunkFor(node_->chunks, key);
  const MemberChunk& old = *node_->chunks[c];
  auto found = FindMember(old, key);
  if (found == old.end() || found->first != key) return *this;
  auto n = std::make_shared<Node>();
  n->kind = Kind::kObject;
  n->node_count = node_->node_count - found->second.NodeCount();
  n->text_bytes = node_->text_bytes - MemberBytes(found->first, found->second);
  n->member_count = node_->member_count - 1;
  n->chunks = node_->chunks;
  if (old.size() == 1) {
    n->chunks.erase(n->chunks.begin() + static_cast<std::ptrdiff_t>(c));
  } else {
    auto chunk = std::make_shared<MemberChunk>(old);
    chunk->erase(chunk->begin() + (found - old.begin()));
    n->chunks[c] = std::move(chunk);
  }
  return Value(std::move(n));
}

Value Value::WithElement(size_t index, Value v) const {
  assert(is_array() && index < node_->elements.size());
  auto n = std::make_shared<Node>();
  n->kind = Kind::kArray;
  n->elements = node_->elements;
  n->node_count = node_->node_count - n->elements[index].NodeCount() + v.NodeCount();
  n->text_bytes = node_->text_bytes - n->elements[index].TextBytes() + v.TextBytes();
  n->elements[index] = std::move(v);
  return Value(std::move(n));
}

Value Value::Appended(Value v) const {
  assert(is_array());
  auto n = std::make_shared<Node>();
  n->kind = Kind::kArray;
  n->elements.reserve(node_->elements.size() + 1);
  n->elements = node_->elements;
  n->node_count = node_->node_count + v.NodeCount();
  n->text_bytes = node_->text_bytes + v.TextBytes();
  n->elements.push_back(std::move(v));
  return Value(std::move(n));
}

namespace {

// Rebuilds the path below `cur` with `leaf` applied at tokens[depth..]; remove=true deletes.
base::Result<Value> SetRecursive(const Value& cur, const std::vector<std::string>& tokens,
                                 size_t depth, const Value& leaf, bool remove) {
  const std::string& token = tokens[depth];
  const bool last = depth + 1 == tokens.size();
  if (cur.is_object()) {
    if (last) return remove ? cur.Without(token) : cur.With(token, leaf);
    const Value* child = cur.Find(token);
    if (child == nullptr) {
      return base::Error::NotFound("no member '" + token + "' at depth " + std::to_string(depth));
    }
    ASSAY_ASSIGN_OR_RETURN(Value updated, SetRecursive(*child, tokens, depth + 1, leaf, remove));
    return cur.With(token, std::move(updated));
  }
  if (cur.is_array()) {
    if (last && token == "-" && !remove) return cur.Appended(leaf);
    size_t index = 0;
    if (!ParseIndex(token, &index) || index >= cur.size()) {
      return base::Error::NotFound("no array index '" + token + "' at depth " +
                                   std::to_string(depth));
    }
    if (last && remove) {
      std::vector<Value> elements(cur.elements().begin(), cur.elements().end());
      elements.erase(elements.begin() + static_cast<std::ptrdiff_t>(index));
      return Value::Array(std::move(elements));
    }
    if (last) return cur.WithElement(index, leaf);
    ASSAY_ASSIGN_OR_RETURN(Value updated,
                           SetRecursive(cur.elements()[index], tokens, depth + 1, leaf, remove));
    return cur.WithElement(index, std::move(updated));
  }
  return base::Error::Invalid("cannot descend into a " + std::string(Value::KindName(cur.kind())) +
                              " at depth " + std::to_string(depth));
}

}  // namespace

base::Result<Value> Value::SetAt(std::string_view pointer, Value v) const {
  std::vector<std::string> tokens = SplitPointer(pointer);
  if (tokens.empty()) return v;
  return SetRecursive(*this, tokens, 0, v, /*remove=*/false);
}

base::Result<Value> Value::RemoveAt(std::string_view pointer) const {
  std::vector<std::string> tokens = SplitPointer(pointer);
  if (tokens.empty()) return base::Error::Invalid("cannot remove the root");
  return SetRecursive(*this, tokens, 0, Value(), /*remove=*/true);
}

void Value::ZipChangedMembers(
    const Value& a, const Value& b,
    const std::function<void(const std::string& key, const Value* before, const Value* after)>& f) {
  assert(a.is_object() && b.is_object());
  const MemberChunks& ca = a.node_->chunks;
  const MemberChunks& cb = b.node_->chunks;
  size_t i = 0, io = 0, j = 0, jo = 0;  // chunk index and offset on each side
  auto advance = [](const MemberChunks& chunks, size_t& chunk, size_t& offset) {
    if (++offset == chunks[chunk]->size()) {
      ++chunk;
      offset = 0;
    }
  };
  while (i < ca.size() || j < cb.size()) {
    if (i < ca.size() && j < cb.size() && io == 0 && jo == 0 && ca[i] == cb[j]) {
      ++i;  // a chunk both versions share: nothing in it changed
      ++j;
      continue;
    }
    if (j == cb.size() || (i < ca.size() && (*ca[i])[io].first < (*cb[j])[jo].first)) {
      f((*ca[i])[io].first, &(*ca[i])[io].second, nullptr);
      advance(ca, i, io);
    } else if (i == ca.size() || (*cb[j])[jo].first < (*ca[i])[io].first) {
      f((*cb[j])[jo].first, nullptr, &(*cb[j])[jo].second);
      advance(cb, j, jo);
    } else {
      const Member& ma = (*ca[i])[io];
      const Member& mb = (*cb[j])[jo];
      if (!ma.second.SameNode(mb.second)) f(ma.first, &ma.second, &mb.second);
      advance(ca, i, io);
      advance(cb, j, jo);
    }
  }
}

bool Value::operator==(const Value& other) const {
  if (node_ == other.node_) return true;
  if (kind() != other.kind()) return false;
  switch (kind()) {
    case Kind::kNull:
      return true;
    case Kind::kBool:
      return node_->b == other.node_->b;
    case Kind::kInt:
      return node_->i == other.node_->i;
    case Kind::kFloat:
      return node_->d == other.node_->d;
    case Kind::kString:
      return node_->s == other.node_->s;
    case Kind::kArray:
      return node_->elements == other.node_->elements;
    case Kind::kObject: {
      if (node_->member_count != other.node_->member_count) return false;
      if (node_->chunks == other.node_->chunks) return true;
      auto a = members().begin();
      for (const Member& m : other.members()) {
        if (a->first != m.first || a->second != m.second) return false;
        ++a;
      }
      return true;
    }
  }
  return false;
}

namespace {

void WriteScalar(const Value& v, std::string& out) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      out += "null";
      break;
    case Value::Kind::kBool:
      out += v.AsBool() ? "true" : "false";
      break;
    case Value::Kind::kInt: {
      char buf[24];
      auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v.AsInt());
      out.append(buf, ptr);
      break;
    }
    case Value::Kind::kFloat:
      AppendPythonFloatRepr(v.AsDouble(), out);
      break;
    case Value::Kind::kString:
      AppendPythonJsonString(v.AsString(), out);
      break;
    default:
      break;
  }
}

// Writes a container's text into `out`, using children's caches where they have them.
void BuildContainer(const Value& v, std::string& out);

void AppendCanonical(const Value& v, std::string& out) {
  if (v.is_array() || v.is_object()) {
    if (v.NodeCount() <= kCacheMaxNodes) {
      out += v.Canonical();
    } else {
      BuildContainer(v, out);
    }
  } else {
    WriteScalar(v, out);
  }
}

void BuildContainer(const Value& v, std::string& out) {
  if (v.is_array()) {
    out += '[';
    bool first = true;
    for (const Value& e : v.elements()) {
      if (!first) out += ", ";
      first = false;
      AppendCanonical(e, out);
    }
    out += ']';
  } else {
    out += '{';
    bool first = true;
    for (const auto& [k, child] : v.members()) {
      if (!first) out += ", ";
      first = false;
      AppendPythonJsonString(k, out);
      out += ": ";
      AppendCanonical(child, out);
    }
    out += '}';
  }
}

}  // namespace

std::string Value::Canonical() const {
  if (!is_array() && !is_object()) {
    std::string out;
    WriteScalar(*this, out);
    return out;
  }
  if (node_->node_count > kCacheMaxNodes) {
    std::string out;
    BuildContainer(*this, out);
    return out;
  }
  std::call_once(node_->canonical_once, [this] { BuildContainer(*this, node_->canonical); });
  return node_->canonical;
}

void Value::WriteCanonical(TextSink& sink) const {
  if (!is_array() && !is_object()) {
    std::string out;
    WriteScalar(*this, out);
    sink.Append(out);
    return;
  }
  if (node_->node_count <= kCacheMaxNodes) {
    std::call_once(node_->canonical_once, [this] { BuildContainer(*this, node_->canonical); });
    sink.Append(node_->canonical);
    return;
  }
  // Large container: stream children, batching small pieces into one buffer.
  std::string buf;
  auto flush = [&] {
    sink.Append(buf);
    buf.clear();
  };
  if (is_array()) {
    buf += '[';
    bool first = true;
    for (const Value& e : node_->elements) {
      if (!first) buf += ", ";
      first = false;
      if (e.NodeCount() > kCacheMaxNodes) {
        flush();
        e.WriteCanonical(sink);
      } else {
        AppendCanonical(e, buf);
      }
    }
    buf += ']';
  } else {
    buf += '{';
    bool first = true;
    for (const auto& [k, child] : members()) {
      if (!first) buf += ", ";
      first = false;
      AppendPythonJsonString(k, buf);
      buf += ": ";
      if (child.NodeCount() > kCacheMaxNodes) {
        flush();
        child.WriteCanonical(sink);
      } else if (child.is_array() || child.is_object()) {
        // Hand the cached text straight to the sink instead of copying it into buf.
        flush();
        const Value& c = child;  // a structured binding is not capturable before clang 16
        std::call_once(c.node_->canonical_once, [&c] { BuildContainer(c, c.node_->canonical); });
        sink.Append(child.node_->canonical);
      } else {
        WriteScalar(child, buf);
      }
    }
    buf += '}';
  }
  flush();
}

std::string Value::Sha256() const {
  HashSink sink;
  WriteCanonical(sink);
  return sink.Hex();
}

// --- Python-compatible text --------------------------------------------------------------------

void AppendPythonFloatRepr(double d, std::string& out) {
  if (std::isnan(d)) {
    out += "NaN";
    return;
  }
  if (std::isinf(d)) {
    out += d < 0 ? "-Infinity" : "Infinity";
    return;
  }
  if (d == 0) {
    out += std::signbit(d) ? "-0.0" : "0.0";
    return;
  }
  // Shortest round-trip digits, as "d.ddde±XX".
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(end - buf));
  const bool negative = sci[0] == '-';
  if (negative) sci.remove_prefix(1);
  const size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits += c;
  }
  const int exponent = std::atoi(std::string(sci.substr(e_pos + 1)).c_str());
  // Python (float_repr_style 'short'): decpt is where the point goes after digits[0..decpt).
  const int decpt = exponent + 1;
  if (negative) out += '-';
  const int ndigits = static_cast<int>(digits.size());
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) {
      out += "0.";
      out.append(static_cast<size_t>(-decpt), '0');
      out += digits;
    } else if (decpt >= ndigits) {
      out += digits;
      out.append(static_cast<size_t>(decpt - ndigits), '0');
      out += ".0";
    } else {
      out.append(digits, 0, static_cast<size_t>(decpt));
      out += '.';
      out.append(digits, static_cast<size_t>(decpt));
    }
    return;
  }
  out += digits[0];
  if (ndigits > 1) {
    out += '.';
    out.append(digits, 1);
  }
  const int exp10 = decpt - 1;
  char ebuf[16];
  std::snprintf(ebuf, sizeof ebuf, "e%c%02d", exp10 < 0 ? '-' : '+', std::abs(exp10));
  out += ebuf;
}

std::string PythonFloatRepr(double d) {
  std::string out;
  AppendPythonFloatRepr(d, out);
  return out;
}

namespace {

// Decodes one UTF-8 code point at s[i]; returns its length (1 for an invalid byte, decoded as
// the byte's value so no input is lost).
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  auto cont = [&](size_t k) {
    return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
  };
  auto bits = [&](size_t k) { return static_cast<uint32_t>(s[i + k]) & 0x3F; };
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  if ((b0 & 0xE0) == 0xC0 && cont(1)) {
    *cp = ((b0 & 0x1Fu) << 6) | bits(1);
    return 2;
  }
  if ((b0 & 0xF0) == 0xE0 && cont(1) && cont(2)) {
    *cp = ((b0 & 0x0Fu) << 12) | (bits(1) << 6) | bits(2);
    return 3;
  }
  if ((b0 & 0xF8) == 0xF0 && cont(1) && cont(2) && cont(3)) {
    *cp = ((b0 & 0x07u) << 18) | (bits(1) << 12) | (bits(2) << 6) | bits(3);
    return 4;
  }
  *cp = b0;
  return 1;
}

void AppendU16Escape(uint32_t unit, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\u";
  out += kHex[(unit >> 12) & 0xF];
  out += kHex[(unit >> 8) & 0xF];
  out += kHex[(unit >> 4) & 0xF];
  out += kHex[unit & 0xF];
}

}  // namespace

void AppendPythonJsonString(std::string_view s, std::string& out) {
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      // Fast path: copy a run of plain ASCII at once.
      size_t j = i + 1;
      while (j < s.size() && s[j] >= 0x20 && s[j] < 0x7F && s[j] != '"' && s[j] != '\\') ++j;
      out.append(s.data() + i, j - i);
      i = j;
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        ++i;
        continue;
      case '\\':
        out += "\\\\";
        ++i;
        continue;
      case '\n':
        out += "\\n";
        ++i;
        continue;
      case '\r':
        out += "\\r";
        ++i;
        continue;
      case '\t':
        out += "\\t";
        ++i;
        continue;
      case '\b':
        out += "\\b";
        ++i;
        continue;
      case '\f':
        out += "\\f";
        ++i;
        continue;
      default:
        break;
    }
    uint32_t cp = 0;
    i += DecodeUtf8(s, i, &cp);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      AppendU16Escape(0xD800 | (cp >> 10), out);
      AppendU16Escape(0xDC00 | (cp & 0x3FF), out);
    } else {
      AppendU16Escape(cp, out);
    }
  }
  out += '"';
}

double PythonRound(double x, int ndigits) {
  if (!std::isfinite(x)) return x;
  // glibc printf rounds the exact binary value correctly (ties to even), as CPython's dtoa does.
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.*f", ndigits, x);
  double rounded = std::strtod(buf, nullptr);
  if (rounded == 0 && std::signbit(x)) rounded = -0.0;
  return rounded;
}

// --- JSON Pointer ------------------------------------------------------------------------------

std::vector<std::string> SplitPointer(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  size_t pos = pointer[0] == '/' ? 1 : 0;
  while (true) {
    const size_t next = pointer.find('/', pos);
    std::string_view raw = pointer.substr(pos, next == std::string_view::npos ? next : next - pos);
    std::string token;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
        token += raw[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        token += raw[i];
      }
    }
    tokens.push_back(std::move(token));
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return tokens;
}

std::string AppendPointer(std::string_view pointer, std::string_view token) {
  std::string out(pointer);
  out += '/';
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string JoinPointer(const std::vector<std::string>& tokens) {
  std::string out;
  for (const std::string& t : tokens) out = AppendPointer(out, t);
  return out;
}

}  // namespace env
