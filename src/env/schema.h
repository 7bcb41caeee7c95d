// A compiled JSON Schema for tool parameters: the subset tools need (type, properties,
// required, additionalProperties, items, enum, const, minimum/maximum, minLength/maxLength,
// minItems/maxItems, anyOf, nullable types as type lists). Errors are written for an agent to
// act on: they name the argument, what was expected and what was given.
//
//   ASSAY_ASSIGN_OR_RETURN(env::Schema s, env::Schema::Compile(params_json));
//   base::Status ok = s.Validate(args);   // "argument 'item_ids': expected array, got string"
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "base/result.h"

namespace env {

class Schema {
 public:
  // Compiles a schema; rejects keywords it would silently ignore only when they matter for
  // validation (unknown "type" names, non-object "properties").
  static base::Result<Schema> Compile(const nlohmann::json& schema);
  static base::Result<Schema> CompileText(std::string_view schema_json);

  // OK, or kInvalidArgument with a message naming the first problem.
  base::Status Validate(const nlohmann::json& value) const;
  // The schema as given (for tool listings).
  const nlohmann::json& json() const;

  Schema(const Schema&) = default;
  Schema& operator=(const Schema&) = default;
  Schema(Schema&&) noexcept = default;
  Schema& operator=(Schema&&) noexcept = default;
  ~Schema();

  struct Impl;

 private:
  explicit Schema(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;  // immutable, shared by copies
};

}  // namespace env
