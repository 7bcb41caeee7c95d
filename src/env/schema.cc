#include "env/schema.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "base/json.h"

namespace env {

struct Schema::Impl {
  nlohmann::json schema;
};

Schema::~Schema() = default;

namespace {

constexpr int kMaxDepth = 32;  // schemas and arguments nest at most this deep

bool KnownType(const std::string& t) {
  return t == "object" || t == "array" || t == "string" || t == "integer" || t == "number" ||
         t == "boolean" || t == "null";
}

base::Status CheckSchema(const nlohmann::json& s, int depth) {
  if (depth > kMaxDepth) return base::Error::Invalid("schema nests too deeply");
  if (s.is_boolean()) return base::Ok();
  if (!s.is_object()) return base::Error::Invalid("a schema must be an object");
  if (auto it = s.find("type"); it != s.end()) {
    if (it->is_string()) {
      if (!KnownType(it->get<std::string>())) {
        return base::Error::Invalid("unknown schema type '" + it->get<std::string>() + "'");
      }
    } else if (it->is_array()) {
      for (const auto& t : *it) {
        if (!t.is_string() || !KnownType(t.get<std::string>())) {
          return base::Error::Invalid("unknown schema type in " + base::Dump(*it));
        }
      }
    } else {
      return base::Error::Invalid("schema 'type' must be a string or an array");
    }
  }
  if (auto it = s.find("properties"); it != s.end()) {
    if (!it->is_object()) return base::Error::Invalid("schema 'properties' must be an object");
    for (const auto& [name, sub] : it->items()) ASSAY_TRY(CheckSchema(sub, depth + 1));
  }
  if (auto it = s.find("required"); it != s.end() && !it->is_array()) {
    return base::Error::Invalid("schema 'required' must be an array");
  }
  if (auto it = s.find("items"); it != s.end()) ASSAY_TRY(CheckSchema(*it, depth + 1));
  if (auto it = s.find("anyOf"); it != s.end()) {
    if (!it->is_array()) return base::Error::Invalid("schema 'anyOf' must be an array");
    for (const auto& sub : *it) ASSAY_TRY(CheckSchema(sub, depth + 1));
  }
  return base::Ok();
}

std::string TypeOf(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::boolean:
      return "boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "integer";
    case nlohmann::json::value_t::number_float:
      return "number";
    case nlohmann::json::value_t::string:
      return "string";
    case nlohmann::json::value_t::array:
      return "array";
    case nlohmann::json::value_t::object:
      return "object";
    default:
      return "unknown";
  }
}

bool MatchesType(const nlohmann::json& v, const std::string& type) {
  if (type == "integer") {
    if (v.is_number_integer()) return true;
    return v.is_number_float() && std::isfinite(v.get<double>()) &&
           std::floor(v.get<double>()) == v.get<double>();
  }
  if (type == "number") return v.is_number();
  return TypeOf(v) == type;
}

std::string Where(const std::string& path) {
  return path.empty() ? "arguments" : "argument '" + path + "'";
}

std::string Shorten(const nlohmann::json& v) {
  std::string text = base::Dump(v);
  if (text.size() > 60) text = text.substr(0, 60) + "…";
  return text;
}

base::Status Fail(const std::string& path, const std::string& what) {
  return base::Error::Invalid(Where(path) + ": " + what);
}

base::Status ValidateValue(const nlohmann::json& s, const nlohmann::json& v,
                           const std::string& path, int depth) {
  if (depth > kMaxDepth) return Fail(path, "nests too deeply");
  if (s.is_boolean()) return s.get<bool>() ? base::Ok() : Fail(path, "is not allowed");
  if (auto it = s.find("type"); it != s.end()) {
    bool ok = false;
    std::string expected;
    if (it->is_string()) {
      ok = MatchesType(v, it->get<std::string>());
      expected = it->get<std::string>();
    } else {
      for (const auto& t : *it) {
        ok = ok || MatchesType(v, t.get<std::string>());
        expected += (expected.empty() ? "" : " or ") + t.get<std::string>();
      }
    }
    if (!ok) return Fail(path, "expected " + expected + ", got " + TypeOf(v) + " " + Shorten(v));
  }
  if (auto it = s.find("enum"); it != s.end() && it->is_array()) {
    bool found = false;
    for (const auto& option : *it) found = found || option == v;
    if (!found) return Fail(path, "must be one of " + base::Dump(*it) + ", got " + Shorten(v));
  }
  if (auto it = s.find("const"); it != s.end() && *it != v) {
    return Fail(path, "must be " + base::Dump(*it) + ", got " + Shorten(v));
  }
  if (auto it = s.find("anyOf"); it != s.end()) {
    bool any = false;
    for (const auto& sub : *it) any = any || ValidateValue(sub, v, path, depth + 1).has_value();
    if (!any) return Fail(path, "matches none of the allowed forms, got " + Shorten(v));
  }
  if (v.is_number()) {
    const double d = v.get<double>();
    if (auto it = s.find("minimum"); it != s.end() && it->is_number() && d < it->get<double>()) {
      return Fail(path, "must be >= " + base::Dump(*it) + ", got " + base::Dump(v));
    }
    if (auto it = s.find("maximum"); it != s.end() && it->is_number() && d > it->get<double>()) {
      return Fail(path, "must be <= " + base::Dump(*it) + ", got " + base::Dump(v));
    }
  }
  if (v.is_string()) {
    const size_t n = v.get_ref<const std::string&>().size();
    if (auto it = s.find("minLength"); it != s.end() && it->is_number() && n < it->get<size_t>()) {
      return Fail(path, "must have at least " + base::Dump(*it) + " characters");
    }
    if (auto it = s.find("maxLength"); it != s.end() && it->is_number() && n > it->get<size_t>()) {
      return Fail(path, "must have at most " + base::Dump(*it) + " characters");
    }
  }
  if (v.is_array()) {
    if (auto it = s.find("minItems");
        it != s.end() && it->is_number() && v.size() < it->get<size_t>()) {
      return Fail(path, "must have at least " + base::Dump(*it) + " items");
    }
    if (auto it = s.find("maxItems");
        it != s.end() && it->is_number() && v.size() > it->get<size_t>()) {
      return Fail(path, "must have at most " + base::Dump(*it) + " items");
    }
    if (auto it = s.find("items"); it != s.end()) {
      for (size_t i = 0; i < v.size(); ++i) {
        ASSAY_TRY(ValidateValue(*it, v[i], path + "[" + std::to_string(i) + "]", depth + 1));
      }
    }
  }
  if (v.is_object()) {
    const auto props = s.find("properties");
    if (auto it = s.find("required"); it != s.end()) {
      for (const auto& name : *it) {
        if (name.is_string() && !v.contains(name.get<std::string>())) {
          const std::string key = name.get<std::string>();
          return base::Error::Invalid("missing required argument '" +
                                      (path.empty() ? key : path + "." + key) + "'");
        }
      }
    }
    const auto additional = s.find("additionalProperties");
    for (const auto& [key, child] : v.items()) {
      const std::string child_path = path.empty() ? key : path + "." + key;
      if (props != s.end() && props->contains(key)) {
        ASSAY_TRY(ValidateValue((*props)[key], child, child_path, depth + 1));
      } else if (additional != s.end()) {
        if (additional->is_boolean() && !additional->get<bool>()) {
          std::string allowed;
          if (props != s.end()) {
            for (const auto& [name, sub] : props->items()) {
              allowed += (allowed.empty() ? "" : ", ") + name;
            }
          }
          return base::Error::Invalid("unknown argument '" + child_path +
                                      "' (allowed: " + (allowed.empty() ? "none" : allowed) + ")");
        }
        if (additional->is_object())
          ASSAY_TRY(ValidateValue(*additional, child, child_path, depth + 1));
      }
    }
  }
  return base::Ok();
}

}  // namespace

base::Result<Schema> Schema::Compile(const nlohmann::json& schema) {
  ASSAY_TRY(CheckSchema(schema, 0));
  auto impl = std::make_shared<Impl>();
  impl->schema = schema;
  return Schema(std::move(impl));
}

base::Result<Schema> Schema::CompileText(std::string_view schema_json) {
  ASSAY_ASSIGN_OR_RETURN(nlohmann::json j, base::ParseJson(schema_json));
  return Compile(j);
}

base::Status Schema::Validate(const nlohmann::json& value) const {
  return ValidateValue(impl_->schema, value, "", 0);
}

const nlohmann::json& Schema::json() const { return impl_->schema; }

}  // namespace env
