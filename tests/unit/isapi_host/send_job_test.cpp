#include "isapi/send_job.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>
#include <isapi/httpext.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace isapi_fcgi::isapi {
namespace {

/// A temporary regular file holding `content`; the descriptor stays open.
class temp_file {
public:
    explicit temp_file(const std::string& content) {
        char path[] = "/tmp/isapi-send-job-XXXXXX";
        fd_ = ::mkstemp(path);
        ::unlink(path);
        EXPECT_EQ(::write(fd_, content.data(), content.size()), static_cast<ssize_t>(content.size()));
        ::lseek(fd_, 0, SEEK_SET);
    }
    ~temp_file() {
        if (fd_ >= 0) ::close(fd_);
    }
    int fd() const { return fd_; }
    void close() {
        ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
    return s;
}

/// Everything the job yields, in order, as the request would send it.
std::string drain(send_job& job) {
    std::string out;
    while (!job.done()) {
        if (job.next_is_file()) {
            const auto chunk = job.read_file_chunk();
            EXPECT_EQ(chunk.error, static_cast<DWORD>(ERROR_SUCCESS));
            if (chunk.error != ERROR_SUCCESS) break;
            EXPECT_LE(chunk.bytes.size(), send_job::chunk_size);
            out.append(chunk.bytes.data(), chunk.bytes.size());
            job.advance(chunk.bytes.size());
        } else {
            const auto memory = job.next_memory();
            out.append(memory.data(), memory.size());
            job.advance(memory.size());
        }
    }
    return out;
}

TEST(send_job, head_file_range_and_tail_go_out_in_order) {
    const auto content = pattern(10000);
    temp_file file(content);
    send_job job;
    job.add_memory({"H", 1});
    ASSERT_EQ(job.add_file(file.fd(), 100, 0), static_cast<DWORD>(ERROR_SUCCESS));
    job.add_memory({"T", 1});
    EXPECT_EQ(drain(job), "H" + content.substr(100) + "T");
    EXPECT_EQ(job.bytes_sent(), 9902u);
}

TEST(send_job, a_length_bounds_the_range) {
    const auto content = pattern(500);
    temp_file file(content);
    send_job job;
    ASSERT_EQ(job.add_file(file.fd(), 10, 20), static_cast<DWORD>(ERROR_SUCCESS));
    EXPECT_EQ(drain(job), content.substr(10, 20));
}

TEST(send_job, a_large_file_streams_in_bounded_chunks) {
    const auto content = pattern(3 * send_job::chunk_size + 17);
    temp_file file(content);
    send_job job;
    ASSERT_EQ(job.add_file(file.fd(), 0, 0), static_cast<DWORD>(ERROR_SUCCESS));
    EXPECT_EQ(drain(job), content);
}

TEST(send_job, an_offset_past_the_end_is_wsaeinval_as_iis_answers) {
    temp_file file(pattern(100));
    send_job job;
    EXPECT_EQ(job.add_file(file.fd(), 101, 0), static_cast<DWORD>(WSAEINVAL));
    EXPECT_EQ(job.add_file(file.fd(), 100, 0), static_cast<DWORD>(ERROR_SUCCESS)) << "empty, not an error";
    EXPECT_TRUE(job.done());
}

TEST(send_job, a_bad_descriptor_is_an_invalid_handle) {
    send_job job;
    EXPECT_EQ(job.add_file(-1, 0, 0), static_cast<DWORD>(ERROR_INVALID_HANDLE));
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    EXPECT_EQ(job.add_file(pipe_fds[0], 0, 0), static_cast<DWORD>(ERROR_INVALID_HANDLE)) << "not a regular file";
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
}

TEST(send_job, the_extensions_file_position_never_moves_and_its_handle_may_close) {
    const auto content = pattern(1000);
    temp_file file(content);
    ASSERT_EQ(::lseek(file.fd(), 7, SEEK_SET), 7);
    send_job job;
    ASSERT_EQ(job.add_file(file.fd(), 0, 0), static_cast<DWORD>(ERROR_SUCCESS));
    file.close();  // the job reads through its own descriptor
    EXPECT_EQ(drain(job), content);
}

TEST(send_job, a_file_that_shrank_ends_with_handle_eof) {
    temp_file file(pattern(1000));
    send_job job;
    ASSERT_EQ(job.add_file(file.fd(), 0, 0), static_cast<DWORD>(ERROR_SUCCESS));
    ASSERT_EQ(::ftruncate(file.fd(), 0), 0);
    EXPECT_EQ(job.read_file_chunk().error, static_cast<DWORD>(ERROR_HANDLE_EOF));
}

TEST(send_job, two_jobs_may_share_one_descriptor) {
    const auto content = pattern(200000);
    temp_file file(content);
    send_job a, b;
    ASSERT_EQ(a.add_file(file.fd(), 0, 0), static_cast<DWORD>(ERROR_SUCCESS));
    ASSERT_EQ(b.add_file(file.fd(), 1000, 0), static_cast<DWORD>(ERROR_SUCCESS));
    std::string out_a, out_b;
    while (!a.done() || !b.done()) {  // interleaved, as two requests would
        for (auto* job : {&a, &b}) {
            if (job->done()) continue;
            const auto chunk = job->read_file_chunk();
            (job == &a ? out_a : out_b).append(chunk.bytes.data(), chunk.bytes.size());
            job->advance(chunk.bytes.size());
        }
    }
    EXPECT_EQ(out_a, content);
    EXPECT_EQ(out_b, content.substr(1000));
}

}  // namespace
}  // namespace isapi_fcgi::isapi
