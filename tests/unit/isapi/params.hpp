#pragma once
// Builds a param_set the way the engine does: an encoded PARAMS stream, parsed (duplicates merged).
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "fcgi/name_value.hpp"
#include "fcgi/param_set.hpp"

namespace isapi_fcgi::isapi::test {

using param_list = std::vector<std::pair<std::string, std::string>>;

inline fcgi::param_set make_params(const param_list& list) {
    std::string stream;
    for (const auto& [name, value] : list) fcgi::append_pair(stream, name, value);
    fcgi::param_set out;
    const auto ec = fcgi::param_set::parse(std::move(stream), out);
    EXPECT_FALSE(ec) << ec.message();
    return out;
}

}  // namespace isapi_fcgi::isapi::test
