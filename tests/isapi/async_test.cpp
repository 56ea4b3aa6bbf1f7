// ISAPI's asynchronous contract through each real front end and its shipped configuration
// (ISAPI.md §2.7, §2.8, §5 tests 7 to 11): the async examples, completions and their threads, async read chains,
// queued and refused second operations, every order of HSE_STATUS_PENDING and
// HSE_REQ_DONE_WITH_SESSION, a thousand pending requests on two extension threads,
// request_timeout, a client vanishing mid-chain, TRANSMIT_FILE and VECTOR_SEND.
#include <algorithm>
#include <fstream>
#include <future>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "isapi/isapi_fixture.hpp"
#include "isapi/partial_download.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

std::regex loose(const std::string& pattern)
{
    return std::regex(pattern, std::regex::ECMAScript | std::regex::icase);
}

std::string pattern_251(std::size_t size, std::size_t from = 0)
{
    std::string s(size, '\0');
    for (std::size_t i = 0; i < size; ++i) {
        s[i] = static_cast<char>((from + i) % 251);
    }
    return s;
}

/// "name=value" words of a report line, as a map.
std::map<std::string, std::string> words_of(const std::string& text)
{
    std::map<std::string, std::string> words;
    std::istringstream in(text);
    for (std::string word; in >> word;) {
        const auto eq = word.find('=');
        if (eq != std::string::npos) {
            words[word.substr(0, eq)] = word.substr(eq + 1);
        }
    }
    return words;
}

class isapi_async : public isapi_behind_front {
protected:
    /// The standard extensions, the async examples and the asyncprobe fixture, with the work
    /// dir as document root (TransmitFile maps PATH_INFO into it).
    isapi_sidecar_options async_options(const std::string& pool_extra = "") const
    {
        auto options = standard_options();
        for (const auto& [name, path] : {std::pair<std::string, std::string>{"asyncwriter", ISAPI_EXT_ASYNCWRITER},
                                         {"asyncreader", ISAPI_EXT_ASYNCREADER},
                                         {"workerthread", ISAPI_EXT_WORKERTHREAD},
                                         {"transmitfile", ISAPI_EXT_TRANSMITFILE},
                                         {"asyncprobe", ISAPI_EXT_ASYNCPROBE}}) {
            options.extensions.push_back({name, path, {"/scripts/" + name + ".dll"}, false});
        }
#ifdef ISAPI_WINE_TEST_PREFIX
        // Built a second time (tests/wine_worker) with asyncprobe.c as a PE DLL served by the
        // Windows worker under Wine: the tests that apply there run with the same assertions.
        options.extensions.back().wine = true;
        options.env.push_back("WINEPREFIX=" ISAPI_WINE_TEST_PREFIX);
#endif
        options.env.push_back("ISAPI_ASYNCPROBE_LOG=" + probe_log().string());
        options.pool_extra = "    document_root: " + work().path().string() + "\n" + pool_extra;
        return options;
    }

    std::filesystem::path probe_log() const { return work_.file("asyncprobe.log"); }

    /// Waits (bounded) for a line of the probe's log matching `pattern`.
    std::optional<std::string> wait_probe_line(const std::regex& pattern, deadline until = soon())
    {
        return wait_file_line(probe_log(), pattern, until);
    }

    /// A file of `size` bytes of the pattern i % 251 in the document root.
    std::string make_file(const std::string& name, std::size_t size)
    {
        const auto content = pattern_251(size);
        std::ofstream(work().file(name), std::ios::binary) << content;
        return content;
    }

    /// GETs `url` `count` times, `concurrency` at once, each batch from one curl.
    std::vector<http_result> get_many(const std::string& path, std::size_t count, std::size_t concurrency,
                                      std::chrono::seconds max_time = 60s)
    {
        std::vector<http_result> all;
        for (std::size_t done = 0; done < count;) {
            const std::size_t batch = std::min(concurrency, count - done);
            auto results = http_get_parallel(front().dir(), std::vector<std::string>(batch, front().url(path)), max_time);
            all.insert(all.end(), results.begin(), results.end());
            done += batch;
        }
        return all;
    }
};

// ---- the examples -----------------------------------------------------------------------

TEST_F(isapi_async, asyncwriter_streams_a_mebibyte_in_chained_async_writes)
{
    start(async_options());
    const auto mark = sidecar().log_mark();
    auto result = get("/scripts/asyncwriter.dll?count=64&size=16384");
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body.size(), 64u * 16384u);
    EXPECT_TRUE(result.body == pattern_251(64 * 16384)) << "the body differs from the pattern";
    // The extension sends Content-Length, so the client may hang up once the last byte arrives,
    // before nginx reads FCGI_END_REQUEST: the access log then says 499, with every byte out.
    EXPECT_TRUE(sidecar().wait_for_log(
        loose(R"(GET /scripts/asyncwriter\.dll.* (200|499) 200 in=0 out=1048576 .*asyncwriter: 64 writes)"), soon(),
        mark))
        << tail(sidecar().log());
}

TEST_F(isapi_async, asyncwriter_without_copies_sends_from_its_own_buffers)
{
    // async_copy_limit 0: every write goes out from the extension's buffer and completes once
    // written, which asyncwriter checks by refilling the buffer only in the completion.
    start(async_options("    async_copy_limit: 0\n"));
    auto result = get("/scripts/asyncwriter.dll?count=64&size=1000");
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_TRUE(result.body == pattern_251(64 * 1000)) << "the body differs from the pattern";
}

TEST_F(isapi_async, asyncwriter_chains_thousands_of_small_writes)
{
    start(async_options());
    auto result = get("/scripts/asyncwriter.dll?count=5000&size=7");
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_TRUE(result.body == pattern_251(5000 * 7)) << "the body differs from the pattern";
}

TEST_F(isapi_async, asyncreader_reads_bodies_of_every_shape)
{
    start(async_options());
    const std::string small(1000, 's');
    auto fits = post("/scripts/asyncreader.dll", small);
    EXPECT_EQ(fits.status, 200) << fits.describe();
    EXPECT_EQ(fits.body, fnv1a64_lines(small) + "complete=yes\n");

    const auto large = pattern_251(3u << 20);
    auto known = post("/scripts/asyncreader.dll", large);
    EXPECT_EQ(known.status, 200) << known.describe();
    EXPECT_EQ(known.body, fnv1a64_lines(large) + "complete=yes\n");

    // A streamed body of unknown length (not through HAProxy: haproxy_refuses_unknown_length).
    if (kind() != front_kind::haproxy) {
        const auto file = work().file("upload.bin");
        std::ofstream(file, std::ios::binary) << large;
        auto streamed = curl("/scripts/asyncreader.dll",
                             {"-X", "POST", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file.string()});
        EXPECT_EQ(streamed.status, 200) << streamed.describe();
        EXPECT_EQ(streamed.body, fnv1a64_lines(large) + "complete=yes\n");
    }

    auto empty = post("/scripts/asyncreader.dll", "");
    EXPECT_EQ(empty.status, 200) << empty.describe();
    EXPECT_EQ(empty.body, fnv1a64_lines("") + "complete=yes\n");
}

// Each request holds an extension thread only for the microseconds HttpExtensionProc takes to
// queue it: with one thread and a 500ms queue timeout, eight 300ms requests all get through,
// where holding the thread would turn most of them into 503s.
TEST_F(isapi_async, workerthread_frees_the_extension_thread_while_its_own_threads_work)
{
    start(async_options("    extension_threads: 1\n    queue_timeout: 500ms\n"));
    auto results = get_many("/scripts/workerthread.dll?ms=300", 8, 8);
    const std::regex answer(R"(^worker [0-3] finished request [0-9]+ after 300 ms\n$)");
    for (const auto& r : results) {
        EXPECT_EQ(r.status, 200) << r.describe();
        EXPECT_TRUE(std::regex_match(r.body, answer)) << r.body;
    }
}

TEST_F(isapi_async, transmitfile_sends_head_file_and_tail_without_reading_it_into_memory)
{
    start(async_options());
    const auto small = make_file("small.txt", 10000);
    for (const std::string query : {"", "?sync=1"}) {
        auto result = get("/scripts/transmitfile.dll/small.txt" + query);
        ASSERT_EQ(result.status, 200) << query << result.describe();
        EXPECT_TRUE(result.body == "--- begin /small.txt ---\n" + small + "--- end ---\n") << query;
    }
    const auto large = make_file("large.bin", 5u << 20);
    auto result = get("/scripts/transmitfile.dll/large.bin");
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(fnv1a64_lines(result.body), fnv1a64_lines("--- begin /large.bin ---\n" + large + "--- end ---\n"));

    EXPECT_EQ(get("/scripts/transmitfile.dll/missing.txt").status, 404);
    // MAP_URL_TO_PATH keeps the mapping inside the document root, however the path is spelled.
    // Who refuses depends on the front end: nginx decodes and resolves the dots itself
    // (/etc/passwd matches no location: its own 404), Apache refuses an encoded slash (404),
    // HAProxy passes the URL on and the sidecar's URL map answers 400.
    const auto escape = get("/scripts/transmitfile.dll/..%2f..%2fetc%2fpasswd");
    EXPECT_EQ(escape.status, kind() == front_kind::haproxy ? 400 : 404) << escape.describe();
    EXPECT_EQ(escape.body.find("root:"), std::string::npos);
}

// ---- ISAPI.md §5 test 7: completions never inline; context; no callback -------------------

TEST_F(isapi_async, completions_run_outside_the_call_with_their_context_bytes_and_error)
{
    start(async_options());
    auto result = get("/scripts/asyncprobe.dll?mode=inline");
    ASSERT_EQ(result.status, 200) << result.describe();
    ASSERT_EQ(result.body.rfind("0123456789\n", 0), 0u) << result.body;
    const auto report = words_of(result.body.substr(11));
    EXPECT_EQ(report.at("inline"), "0");
    EXPECT_EQ(report.at("context_ok"), "1");
    EXPECT_EQ(report.at("cbIO"), "10");
    EXPECT_EQ(report.at("error"), "0");
}

TEST_F(isapi_async, a_proc_waiting_inside_for_its_own_completion_gets_it)
{
    // The completion is held for the proc's thread while the proc runs; held_completion_watch
    // must hand it to another extension thread when the proc waits for it instead of returning.
    start(async_options());
    auto result = get("/scripts/asyncprobe.dll?mode=wait_inside");
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body, "x\nwait_inside completed=1 cbIO=1\n");
}

TEST_F(isapi_async, async_operations_without_a_completion_callback_fail_with_invalid_parameter)
{
    start(async_options());
    auto result = get("/scripts/asyncprobe.dll?mode=noreg");
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body, "first=0/87 second=0/87\n");
}

// ---- §5 test 8: an async read chain keeps the stack flat -----------------------------------

TEST_F(isapi_async, a_chain_of_100000_one_byte_async_reads_keeps_the_stack_flat)
{
    start(async_options("    upload_read_ahead: 0\n"));
    const auto body = pattern_251(100000);
    // 100000 completions, each one strand hop: seconds on a busy machine, so the bound only
    // catches a hang rather than timing the chain.
    http_request request;
    request.url = front().url("/scripts/asyncprobe.dll?mode=readchain");
    request.method = "POST";
    request.body = body;
    request.max_time = std::chrono::duration_cast<std::chrono::seconds>(scaled(120s));
    auto result = http_fetch(front().dir(), request);
    ASSERT_EQ(result.status, 200) << result.describe();
    const auto report = words_of(result.body);
    EXPECT_EQ(report.at("available"), "0");
    EXPECT_EQ(report.at("reads"), "100000");
    EXPECT_EQ(report.at("zero"), "1") << "one completion with 0 bytes ends the body";
    EXPECT_EQ(report.at("bytes"), "100000");
    EXPECT_EQ("fnv1a64=" + report.at("fnv1a64") + "\n", fnv1a64_lines(body).substr(fnv1a64_lines(body).find('\n') + 1));
    // Inline completions would nest 100000 frames; posted ones stay within one frame's depth.
    EXPECT_LT(std::stoul(report.at("stack_growth")), 16384u) << result.body;
    EXPECT_EQ(report.at("error"), "0");
}

TEST_F(isapi_async, an_async_read_chain_after_the_read_ahead_continues_where_it_ended)
{
    start(async_options());
    const auto body = pattern_251(60000);
    auto result = post("/scripts/asyncprobe.dll?mode=readchain", body);
    ASSERT_EQ(result.status, 200) << result.describe();
    const auto report = words_of(result.body);
    EXPECT_EQ(report.at("available"), "49152");
    EXPECT_EQ(report.at("reads"), std::to_string(60000 - 49152));
    EXPECT_EQ(report.at("bytes"), "60000");
    EXPECT_EQ("fnv1a64=" + report.at("fnv1a64") + "\n", fnv1a64_lines(body).substr(fnv1a64_lines(body).find('\n') + 1));
}

// ---- §5 test 9: two async operations at once ----------------------------------------------

TEST_F(isapi_async, a_second_async_operation_is_queued_and_a_sync_write_follows_both)
{
    start(async_options());
    const auto mark = sidecar().log_mark();
    auto result = get("/scripts/asyncprobe.dll?mode=two");
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_TRUE(result.body == "0" + std::string(65536, 'A') + "BC\nb=1/0 completions=65536,1\n")
        << result.body.substr(65530);
    EXPECT_TRUE(sidecar().wait_for_log(loose(R"(another is outstanding.*queued behind it)"), soon(), mark))
        << tail(sidecar().log());
}

TEST_F(isapi_async, strict_async_refuses_the_second_operation)
{
    start(async_options("    strict_async: true\n"));
    auto result = get("/scripts/asyncprobe.dll?mode=two");
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_TRUE(result.body == "0" + std::string(65536, 'A') + "C\nb=0/87 completions=65536\n")
        << result.body.substr(65530);
}

// ---- §5 test 10: PENDING and DONE_WITH_SESSION in every order -------------------------------

TEST_F(isapi_async, done_with_session_inside_http_extension_proc_ends_the_request_once)
{
    start(async_options());
    // Twice on nginx's kept connection: a second END_REQUEST would break the next request.
    for (int i = 0; i < 3; ++i) {
        auto result = get("/scripts/asyncprobe.dll?mode=done_inside");
        EXPECT_EQ(result.status, 200) << result.describe();
        EXPECT_EQ(result.body, "done inside\n");
    }
    EXPECT_EQ(get("/scripts/hello.dll").status, 200);
}

// The request ends once both happened: what the extension does in between still reaches the client.
TEST_F(isapi_async, done_with_session_before_http_extension_proc_returns_leaves_the_request_open_until_it_has)
{
    start(async_options());
    for (int i = 0; i < 3; ++i) {
        auto result = get("/scripts/asyncprobe.dll?mode=done_then_write");
        EXPECT_EQ(result.status, 200) << result.describe();
        EXPECT_EQ(result.body, "before done\nafter done\n");
    }
    auto line = wait_probe_line(std::regex("^done_then_write "));
    ASSERT_TRUE(line) << tail(sidecar().log());
    EXPECT_EQ(*line, "done_then_write write=1/0 variable=1/0");
}

TEST_F(isapi_async, done_with_session_error_with_nothing_sent_gives_500)
{
    start(async_options());
    auto result = get("/scripts/asyncprobe.dll?mode=done_error");
    EXPECT_EQ(result.status, 500) << result.describe();
}

TEST_F(isapi_async, done_with_session_before_a_pending_write_completes_defers_the_end_until_it_has)
{
    start(async_options());
    auto result = get("/scripts/asyncprobe.dll?mode=done_while_pending");
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_TRUE(result.body == std::string(1u << 20, 'm')) << result.body.size();
    auto line = wait_probe_line(std::regex("^done_while_pending "));
    ASSERT_TRUE(line) << tail(sidecar().log());
    EXPECT_EQ(*line, "done_while_pending cbIO=1048576 error=0 method=GET");
}

TEST_F(isapi_async, one_done_with_session_after_a_final_status_is_tolerated_and_the_next_refused)
{
    start(async_options());
    auto result = get("/scripts/asyncprobe.dll?mode=late_done");
    EXPECT_EQ(result.status, 200) << result.describe();
    auto line = wait_probe_line(std::regex("^late_done "));
    ASSERT_TRUE(line) << tail(sidecar().log());
    EXPECT_EQ(*line, "late_done first=1/0 second=0/87");
}

TEST_F(isapi_async, pending_and_done_with_session_racing_end_every_request_exactly_once)
{
    start(async_options());
    const auto mark = sidecar().log_mark();
    const auto results = get_many("/scripts/asyncprobe.dll?mode=race", 1200, 100);
    std::size_t ok = 0;
    for (const auto& r : results) {
        // curl_exit too: a request whose DONE_WITH_SESSION got lost has its whole body and
        // status, and only curl's --max-time ends it.
        ok += r.curl_exit == 0 && r.status == 200 && r.body == "raced\n";
    }
    EXPECT_EQ(ok, results.size()) << results.front().describe();
    EXPECT_TRUE(sidecar().log_lines(loose(R"(twice|not pending|cannot finish)"), mark).empty())
        << tail(sidecar().log());
}

// ---- a thousand pending requests on two extension threads ---------------------------------

TEST_F(isapi_async, a_thousand_requests_pend_at_once_on_two_extension_threads)
{
    front_connections_ = 4096;
    // Every held request keeps its own FastCGI connection: room for all of them in the backlog
    // and the connection limit, and no two-minute wait should the count never be reached.
    start(async_options("    extension_threads: 2\n    listen_backlog: 4096\n    request_timeout: 30s\n"
                        "    limits:\n      max_connections: 4096\n"));
    constexpr std::size_t pending = 1000;
    std::vector<std::future<std::vector<http_result>>> batches;
    for (int i = 0; i < 4; ++i) {
        batches.push_back(std::async(std::launch::async, [this] {
            return http_get_parallel(front().dir(),
                                     std::vector<std::string>(pending / 4, front().url("/scripts/asyncprobe.dll?mode=hold&n=1000")),
                                     std::chrono::seconds(120));
        }));
    }
    std::size_t ok = 0, total = 0;
    for (auto& batch : batches) {
        for (const auto& r : batch.get()) {
            ++total;
            ok += r.status == 200 && r.body == "held=1000\n";
        }
    }
    EXPECT_EQ(total, pending);
    EXPECT_EQ(ok, pending) << tail(sidecar().log());
    EXPECT_EQ(get("/scripts/hello.dll").status, 200);
}

// ---- request_timeout ------------------------------------------------------------------------

TEST_F(isapi_async, a_pending_request_past_request_timeout_gets_504_and_its_ecb_stays_valid)
{
    start(async_options("    request_timeout: 1s\n"));
    const auto mark = sidecar().log_mark();
    auto result = get("/scripts/asyncprobe.dll?mode=hang");
    EXPECT_EQ(result.status, 504) << result.describe();
    EXPECT_TRUE(sidecar().wait_for_log(loose(R"(answering 504: extension 'asyncprobe' exceeded request_timeout .* waiting on HSE_REQ_DONE_WITH_SESSION)"),
                                       soon(), mark))
        << tail(sidecar().log());
    auto release = get("/scripts/asyncprobe.dll?mode=release");
    EXPECT_EQ(release.body, "released\n");
    auto line = wait_probe_line(std::regex("^release "));
    ASSERT_TRUE(line) << tail(sidecar().log());
    // The late WriteClient fails as for a vanished client; DONE_WITH_SESSION is accepted.
    EXPECT_EQ(*line, "release write=0/64 done=1/0");
    EXPECT_EQ(get("/scripts/hello.dll").status, 200);
}

// A deadline further away than coarse_deadlines::horizon (2s) waits in the coarse list, which
// hands it back to the request's own timer a tick before it is due: it fires no earlier, and
// not a tick late either.
TEST_F(isapi_async, a_request_timeout_beyond_the_coarse_horizon_fires_on_time)
{
    start(async_options("    request_timeout: 3s\n"));
    const auto began = clock::now();
    auto result = get("/scripts/asyncprobe.dll?mode=hang");
    const auto took = clock::now() - began;
    EXPECT_EQ(result.status, 504) << result.describe();
    EXPECT_GE(took, 3s);
    EXPECT_LT(took, scaled(3900ms));
    auto release = get("/scripts/asyncprobe.dll?mode=release");
    EXPECT_EQ(release.body, "released\n");
    ASSERT_TRUE(wait_probe_line(std::regex("^release "))) << tail(sidecar().log());
    EXPECT_EQ(get("/scripts/hello.dll").status, 200);
}

TEST_F(isapi_async, a_timeout_after_the_headers_truncates_the_response_instead_of_completing_it)
{
    start(async_options("    request_timeout: 1s\n"));
    // The sidecar closes the connection mid-response: nginx, Apache and HAProxy (termination
    // state SD: the server aborted during the data phase) each log it.
    allow_front_problems("upstream prematurely closed connection|AH01067: Failed to read FastCGI header|"
                         "AH01075: Error dispatching request| SD-- ");
    auto result = get("/scripts/asyncprobe.dll?mode=hang&headers=1");
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body, "partial");
    EXPECT_NE(result.curl_exit, 0) << "the client must see the response cut short: " << result.describe();
    auto release = get("/scripts/asyncprobe.dll?mode=release");
    EXPECT_EQ(release.body, "released\n");
    auto line = wait_probe_line(std::regex("^release "));
    ASSERT_TRUE(line);
    EXPECT_EQ(*line, "release write=0/64 done=1/0");
}

TEST_F(isapi_async, a_hung_synchronous_extension_gets_504_while_its_thread_is_still_stuck)
{
    auto options = async_options("    request_timeout: 1s\n    extension_threads: 2\n");
    options.extensions.push_back({"sleeper", ISAPI_EXT_SLEEPER, {"/scripts/sleeper.dll"}, false});
    start(options);
    auto result = get("/scripts/sleeper.dll?ms=4000");
    EXPECT_EQ(result.status, 504) << result.describe();
    // The other thread still serves.
    EXPECT_EQ(get("/scripts/hello.dll").status, 200);
}

TEST_F(isapi_async, the_queue_timeout_answers_503_while_every_extension_thread_is_busy)
{
    auto options = async_options("    extension_threads: 1\n    queue_timeout: 300ms\n");
    options.extensions.push_back({"sleeper", ISAPI_EXT_SLEEPER, {"/scripts/sleeper.dll"}, false});
    start(options);
    http_request slow;
    slow.url = front().url("/scripts/sleeper.dll?ms=3000");
    slow.max_time = 30s;
    http_call busy(work(), slow);
    const auto until = deadline_after(scaled(10s));
    // Retried until the slow request holds the one thread: then the answer is the 503.
    http_result queued;
    do {
        queued = get("/scripts/hello.dll");
    } while (queued.status == 200 && clock::now() < until);
    EXPECT_EQ(queued.status, 503) << queued.describe();
    EXPECT_TRUE(sidecar().log_lines(std::regex(R"(GET /scripts/sleeper\.dll)")).empty())
        << "the 503 came only once the busy thread was free";
    EXPECT_EQ(busy.finish(deadline_after(scaled(30s))).status, 200);
}

// ---- client aborts ----------------------------------------------------------------------------

TEST_F(isapi_async, a_client_leaving_in_the_middle_of_an_async_chain_fails_its_operation)
{
    start(async_options());
    allow_front_problems("client prematurely closed|broken pipe|reset by peer");
    auto received = read_then_close(front().port(),
                                    "GET /scripts/asyncprobe.dll?mode=abort_chain HTTP/1.1\r\nHost: localhost\r\n\r\n",
                                    1u << 20, deadline_after(scaled(20s)));
    ASSERT_EQ(received.rfind("HTTP/1.1 200", 0), 0u) << received.substr(0, 200);
    auto line = wait_probe_line(std::regex("^abort_chain "), deadline_after(scaled(60s)));
    ASSERT_TRUE(line) << tail(sidecar().log());
    // The write in flight completes with ERROR_OPERATION_ABORTED, or, when the client left just
    // after it went out, the next one fails at once with ERROR_NETNAME_DELETED.
    const auto report = words_of(*line);
    EXPECT_EQ(report.at("error"), report.at("via") == "completion" ? "995" : "64") << *line;
    EXPECT_EQ(report.at("connected"), "0") << *line;
    EXPECT_GE(std::stoul(report.at("writes")), 16u) << *line;
    EXPECT_EQ(get("/scripts/hello.dll").status, 200);
}

// bigresponse's 64 KiB synchronous WriteClients, each copied and returning while the connection
// writes the one before: the bytes arrive whole and in order, and a client leaving mid-write
// fails the writes after it, run here under the sanitizers' async label.
TEST_F(isapi_async, large_synchronous_writes_arrive_whole_and_in_order)
{
    start(async_options());
    const std::size_t size = 4u << 20;
    auto result = get("/scripts/bigresponse.dll?size=" + std::to_string(size));
    ASSERT_EQ(result.status, 200) << result.describe();
    ASSERT_EQ(result.body.size(), size);
    const std::string line = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\r\n";
    for (std::size_t at = 0; at < size; at += line.size()) {
        ASSERT_EQ(result.body.compare(at, line.size(), line, 0, std::min(line.size(), size - at)), 0)
            << "the body differs from the pattern at byte " << at;
    }
}

TEST_F(isapi_async, a_client_leaving_during_large_synchronous_writes_fails_them)
{
    start(async_options());
    allow_front_problems("client prematurely closed|broken pipe|reset by peer");
    const auto mark = sidecar().log_mark();
    auto received = read_then_close(front().port(),
                                    "GET /scripts/bigresponse.dll?size=8589934592 HTTP/1.1\r\nHost: localhost\r\n\r\n",
                                    1u << 20, deadline_after(scaled(20s)));
    ASSERT_EQ(received.rfind("HTTP/1.1 200", 0), 0u) << received.substr(0, 200);
    auto line = sidecar().wait_for_log(std::regex(R"(bigresponse aborted after [0-9]+ bytes, error [0-9]+)"),
                                       deadline_after(scaled(60s)), mark);
    ASSERT_TRUE(line.has_value()) << tail(sidecar().log());
    EXPECT_EQ(get("/scripts/hello.dll").status, 200);
}

// ---- §5 test 11: TRANSMIT_FILE ------------------------------------------------------------------

TEST_F(isapi_async, transmit_file_honours_offset_head_tail_and_its_own_callback)
{
    start(async_options());
    const auto file = make_file("tf.bin", 10000);
    auto range = get("/scripts/asyncprobe.dll/tf.bin?mode=tf&case=range");
    ASSERT_EQ(range.status, 200) << range.describe();
    EXPECT_TRUE(range.body == "H" + file.substr(100) + "T");
    auto line = wait_probe_line(std::regex("^tf pfnHseIO"));
    ASSERT_TRUE(line);
    EXPECT_EQ(*line, "tf pfnHseIO cbIO=9902 error=0");
    EXPECT_FALSE(wait_probe_line(std::regex("registered callback called"), clock::now()));

    auto sync = get("/scripts/asyncprobe.dll/tf.bin?mode=tf&case=sync");
    EXPECT_TRUE(sync.body == file.substr(10, 20)) << sync.describe();
}

TEST_F(isapi_async, transmit_file_rejects_an_offset_past_the_end_and_a_bad_handle)
{
    start(async_options());
    make_file("tf.bin", 10000);
    EXPECT_EQ(get("/scripts/asyncprobe.dll/tf.bin?mode=tf&case=past_eof").body, "transmit_file=0/10022\n");
    EXPECT_EQ(get("/scripts/asyncprobe.dll/tf.bin?mode=tf&case=badhandle").body, "transmit_file=0/6\n");
}

TEST_F(isapi_async, transmit_file_headers_come_from_send_headers_or_a_raw_status_line_in_the_head)
{
    start(async_options());
    const auto file = make_file("tf.bin", 10000);
    auto headers = get("/scripts/asyncprobe.dll/tf.bin?mode=tf&case=headers");
    ASSERT_EQ(headers.status, 200) << headers.describe();
    EXPECT_EQ(headers.head.header("X-TF").value_or(""), "1");
    EXPECT_TRUE(headers.body == file);
    auto raw = get("/scripts/asyncprobe.dll/tf.bin?mode=tf&case=raw");
    ASSERT_EQ(raw.status, 200) << raw.describe();
    EXPECT_EQ(raw.head.header("X-Raw").value_or(""), "1");
    EXPECT_TRUE(raw.body == file) << "the raw head must not reach the body";
}

TEST_F(isapi_async, many_requests_may_transmit_from_one_shared_handle)
{
    start(async_options());
    const auto file = make_file("shared.bin", 300000);
    const auto results = get_many("/scripts/asyncprobe.dll/shared.bin?mode=tf&case=shared", 40, 20);
    for (const auto& r : results) {
        EXPECT_EQ(r.status, 200);
        EXPECT_TRUE(r.body == "H" + file.substr(100) + "T") << r.body.size();
    }
}

// ---- VECTOR_SEND --------------------------------------------------------------------------------

TEST_F(isapi_async, vector_send_gathers_memory_and_file_elements_after_its_headers)
{
    start(async_options());
    const auto file = make_file("vector.bin", 1000);
    for (const std::string mode : {"async", "sync"}) {
        auto result = get("/scripts/asyncprobe.dll/vector.bin?mode=vector&case=" + mode);
        ASSERT_EQ(result.status, 200) << mode << result.describe();
        EXPECT_EQ(result.head.header("X-Vector").value_or(""), "1") << mode;
        EXPECT_EQ(result.body, "M1" + file.substr(10, 20) + "M2") << mode;
    }
    auto line = wait_probe_line(std::regex("^vector cbIO"));
    ASSERT_TRUE(line);
    EXPECT_EQ(*line, "vector cbIO=24 error=0");
    EXPECT_EQ(get("/scripts/asyncprobe.dll/vector.bin?mode=vector&case=bad_headers").body, "vector_send=0/87\n");
    EXPECT_EQ(get("/scripts/asyncprobe.dll/vector.bin?mode=vector&case=empty_memory").body, "vector_send=0/87\n");
}

// ---- streaming and the slow log -----------------------------------------------------------

/// The raw CGI response the sidecar sends for GET `script_name`?`query`, through libfcgi's
/// cgi-fcgi (nginx would hide X-Accel-* headers).
std::string raw_cgi_response(const isapi_sidecar& sidecar, const temp_dir& dir, const std::string& script_name,
                             const std::string& query)
{
    static int calls = 0;
    const auto out = dir.file("cgi-fcgi-" + std::to_string(++calls) + ".out");
    spawn_options options;
    options.inherit_env = false;
    options.env = {"REQUEST_METHOD=GET", "SCRIPT_NAME=" + script_name, "QUERY_STRING=" + query,
                   "REQUEST_URI=" + script_name + "?" + query, "SERVER_PROTOCOL=HTTP/1.1"};
    options.stdout_path = out;
    test_process client({"cgi-fcgi", "-bind", "-connect", sidecar.address().substr(5)}, options);
    const auto end = client.wait(deadline_after(scaled(10s)));
    EXPECT_TRUE(end && end->exited && end->exit_code == 0) << "cgi-fcgi did not finish cleanly";
    return read_file(out);
}

// nginx's own reading of X-Accel-Buffering: Apache and HAProxy pass the header on unread.
class isapi_async_nginx_only : public isapi_behind_only<front_kind::nginx, isapi_async> {};

TEST_F(isapi_async_nginx_only, a_streaming_extension_tells_nginx_not_to_buffer_its_output)
{
    auto options = async_options();
    for (auto& ext : options.extensions)
        if (ext.name == "asyncwriter") ext.streaming = true;
    start(options);
    const auto streaming = raw_cgi_response(sidecar(), work(), "/scripts/asyncwriter.dll", "count=2&size=4");
    EXPECT_NE(streaming.find("\r\nX-Accel-Buffering: no\r\n"), std::string::npos) << streaming;
    const auto buffered = raw_cgi_response(sidecar(), work(), "/scripts/asyncreader.dll", "");
    EXPECT_EQ(buffered.find("X-Accel-Buffering"), std::string::npos) << buffered;
    // nginx acts on the header and hides it from the client.
    auto result = get("/scripts/asyncwriter.dll?count=2&size=4");
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_FALSE(result.head.header("X-Accel-Buffering").has_value());
}

TEST_F(isapi_async, the_slow_log_names_what_a_request_waits_on)
{
    start(async_options("    slowlog_threshold: 200ms\n"));
    const auto mark = sidecar().log_mark();
    auto result = get("/scripts/workerthread.dll?ms=800");
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_TRUE(sidecar().wait_for_log(loose(R"(slow request: extension 'workerthread' /scripts/workerthread\.dll\?ms=800 has run [0-9]+ms, waiting on HSE_REQ_DONE_WITH_SESSION)"),
                                       soon(), mark))
        << tail(sidecar().log());
    EXPECT_TRUE(sidecar().log_lines(loose(R"(slow request: extension 'hello')"), mark).empty());
}

}  // namespace
}  // namespace isapi_fcgi::test
