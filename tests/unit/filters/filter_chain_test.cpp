// The chain with real filter modules (tests/fixtures/filters), dlopen'ed by the code under test.
// The callbacks a filter receives here are the test's: what is tested is loading, registration,
// calling order, and that HttpFilterProc sees request_head's edits and its own pFilterContext.
#include "filters/filter_chain.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "filters/request_head.hpp"

namespace isapi_fcgi::filters {
namespace {

// One "connection": a context per filter (pFilterContext survives across its requests) and the
// AllocMem blocks, freed when it ends.
struct test_connection {
    std::vector<HTTP_FILTER_CONTEXT> contexts;
    std::vector<std::unique_ptr<unsigned char[]>> blocks;
};

thread_local test_connection* current_connection = nullptr;
thread_local request_head* current_head = nullptr;

VOID* WINAPI alloc_mem(HTTP_FILTER_CONTEXT*, DWORD size, DWORD) {
    current_connection->blocks.push_back(std::make_unique<unsigned char[]>(size));
    return current_connection->blocks.back().get();
}

BOOL WINAPI get_header(HTTP_FILTER_CONTEXT*, LPSTR name, LPVOID buffer, LPDWORD size) {
    const auto value = current_head->get(name);
    if (!value || value->size() + 1 > *size) return FALSE;
    value->copy(static_cast<char*>(buffer), value->size());
    static_cast<char*>(buffer)[value->size()] = '\0';
    *size = static_cast<DWORD>(value->size() + 1);
    return TRUE;
}

BOOL WINAPI set_header(HTTP_FILTER_CONTEXT*, LPSTR name, LPSTR value) {
    return current_head->set(name, value) == ERROR_SUCCESS;
}

BOOL WINAPI add_header(HTTP_FILTER_CONTEXT*, LPSTR name, LPSTR value) {
    return current_head->add(name, value) == ERROR_SUCCESS;
}

std::string fixture(const char* name) { return std::string(ISAPI_FILTER_FIXTURE_DIR) + "/" + name + ".so"; }

// Runs PREPROC_HEADERS for one request through the chain, in its order, with IIS's status rules.
filter_outcome preproc_headers(const filter_chain& chain, test_connection& connection, request_head& head) {
    current_connection = &connection;
    current_head = &head;
    if (connection.contexts.empty()) {
        connection.contexts.resize(chain.filters().size());
        for (auto& context : connection.contexts) {
            context.cbSize = sizeof(HTTP_FILTER_CONTEXT);
            context.Revision = HTTP_FILTER_REVISION;
            context.AllocMem = alloc_mem;
        }
    }
    HTTP_FILTER_PREPROC_HEADERS notification{};
    notification.GetHeader = get_header;
    notification.SetHeader = set_header;
    notification.AddHeader = add_header;
    for (std::size_t i = 0; i < chain.filters().size(); ++i) {
        const auto& filter = *chain.filters()[i];
        if (!wants(filter.registration(), filter_event::preproc_headers, false)) continue;
        const auto outcome =
            outcome_of(filter.call(&connection.contexts[i], filter_event::preproc_headers, &notification),
                       filter_event::preproc_headers);
        if (!continues_chain(outcome)) return outcome;
    }
    return filter_outcome::next;
}

const request_head::params request{
    {"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/scripts/app.dll"}, {"SERVER_PROTOCOL", "HTTP/1.1"}};

TEST(filter_chain, filters_run_by_priority_then_in_configuration_order) {
    const filter_chain chain({{"low-a", fixture("orderfilter_low_a")},
                              {"high", fixture("orderfilter_high")},
                              {"low-b", fixture("orderfilter_low_b")},
                              {"medium", fixture("orderfilter_medium")}});
    ASSERT_EQ(chain.filters().size(), 4u);
    EXPECT_EQ(chain.events(), static_cast<DWORD>(SF_NOTIFY_PREPROC_HEADERS));
    test_connection connection;
    request_head head(request);
    EXPECT_EQ(preproc_headers(chain, connection, head), filter_outcome::next);
    EXPECT_EQ(head.get("X-Filter-Order:"), "high, medium, low-a, low-b");
}

TEST(filter_chain, registration_and_description_come_from_get_filter_version) {
    const filter_chain chain({{"low-a", fixture("orderfilter_low_a")}, {"high", fixture("orderfilter_high")}});
    const auto& first = *chain.filters().front();
    EXPECT_EQ(first.name(), "high");
    EXPECT_EQ(first.description(), "orderfilter high");
    EXPECT_EQ(first.registration().priority, filter_priority::high);
    EXPECT_TRUE(first.registration().secure_port);
    EXPECT_EQ(chain.filters().back()->registration().priority, filter_priority::low);
}

TEST(filter_chain, each_filter_keeps_its_own_context_across_the_requests_of_a_connection) {
    const filter_chain chain({{"high", fixture("orderfilter_high")}, {"low-a", fixture("orderfilter_low_a")}});
    test_connection first_connection;
    for (int i = 0; i < 3; ++i) {
        request_head head(request);
        ASSERT_EQ(preproc_headers(chain, first_connection, head), filter_outcome::next);
        EXPECT_EQ(head.get("X-Filter-Seen-high:"), std::to_string(i + 1));
        EXPECT_EQ(head.get("X-Filter-Seen-low-a:"), std::to_string(i + 1));
    }
    test_connection second_connection;
    request_head head(request);
    ASSERT_EQ(preproc_headers(chain, second_connection, head), filter_outcome::next);
    EXPECT_EQ(head.get("X-Filter-Seen-high:"), "1") << "a new connection starts with no filter context";
    EXPECT_EQ(first_connection.blocks.size(), 2u) << "one AllocMem per filter and connection";
}

TEST(filter_chain, a_filter_refusing_to_load_fails_the_chain_naming_it) {
    try {
        const filter_chain chain({{"high", fixture("orderfilter_high")}, {"gatekeeper", fixture("refusefilter")}});
        FAIL() << "the chain loaded";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("filter 'gatekeeper': GetFilterVersion returned FALSE"), std::string::npos)
            << e.what();
    }
}

TEST(filter_chain, a_missing_module_or_entry_point_fails_naming_the_filter) {
    EXPECT_THROW(filter_chain({{"ghost", fixture("no_such_filter")}}), std::runtime_error);
    try {
        // An extension is no filter: it exports no GetFilterVersion.
        const filter_chain chain({{"not-a-filter", std::string(ISAPI_EXTENSION_FIXTURE)}});
        FAIL() << "an extension loaded as a filter";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("does not export GetFilterVersion"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace isapi_fcgi::filters
