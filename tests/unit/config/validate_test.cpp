#include "config/validate.hpp"

#include <gtest/gtest.h>

#include "config/config_error.hpp"
#include "config/value_parsers.hpp"

namespace isapi_fcgi::config {
namespace {

pool_settings pool(std::string name, std::initializer_list<const char*> listen) {
    pool_settings p;
    p.name = std::move(name);
    for (const char* address : listen) p.listen.push_back(parse_listen_address(address));
    return p;
}

TEST(validate, a_sound_configuration_passes) {
    settings s;
    s.pools.push_back(pool("a", {"unix:/run/a.sock", "tcp:127.0.0.1:0"}));
    s.pools.push_back(pool("b", {"tcp:127.0.0.1:0", "fd:3"}));
    EXPECT_FALSE(find_problem(s).has_value());
    EXPECT_NO_THROW(validate(s));
}

TEST(validate, no_pools) {
    settings s;
    s.source = "code";
    const auto found = find_problem(s);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->reason, "no pools defined");
    EXPECT_EQ(found->about, problem::subject::pools);
    try {
        validate(s);
        ADD_FAILURE() << "no error";
    } catch (const config_error& e) {
        EXPECT_EQ(std::string(e.what()), "code: no pools defined");
    }
}

TEST(validate, a_pool_without_listen) {
    settings s;
    s.pools.push_back(pool("a", {}));
    const auto found = find_problem(s);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->reason, "pool 'a' has no listen address");
    EXPECT_EQ(found->about, problem::subject::pool_name);
}

TEST(validate, reports_the_first_problem_in_file_order) {
    settings s;
    s.pools.push_back(pool("a", {"unix:/run/a.sock"}));
    s.pools.push_back(pool("b", {"tcp:127.0.0.1:9000", "unix:/run/a.sock"}));
    s.pools.push_back(pool("b", {"unix:/run/c.sock"}));
    const auto found = find_problem(s);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->reason, "unix:/run/a.sock is already used by pool 'a'");
    EXPECT_EQ(found->about, problem::subject::listen);
    EXPECT_EQ(found->pool, 1U);
    EXPECT_EQ(found->listen, 1U);
}

TEST(validate, ipv6_spellings_of_one_address_collide) {
    settings s;
    s.pools.push_back(pool("a", {"tcp:[::1]:9000"}));
    s.pools.push_back(pool("b", {"tcp:[0:0::1]:9000"}));
    const auto found = find_problem(s);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->reason, "tcp:[0:0::1]:9000 is already used by pool 'a'");
}

TEST(validate, non_loopback_needs_allowed_clients) {
    settings s;
    s.pools.push_back(pool("a", {"tcp:192.0.2.1:9000"}));
    auto found = find_problem(s);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->reason,
              "tcp:192.0.2.1:9000 is not loopback: list the peers in allowed_clients");
    s.pools[0].allowed_clients.push_back(parse_address_range("192.0.2.0/24"));
    EXPECT_FALSE(find_problem(s).has_value());
}

}  // namespace
}  // namespace isapi_fcgi::config
