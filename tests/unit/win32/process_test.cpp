// CreateProcess and its companions (pipes, handle inheritance, waits, exit codes, termination)
// through the real libisapi-win32, starting real programs (sh, printf, tr); and the Windows
// command-line rules CreateProcess splits argv by.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <windows.h>

#include "win32/command_line.hpp"

namespace {

using isapi_fcgi::win32::program_candidates;
using isapi_fcgi::win32::split_command_line;
using strings = std::vector<std::string>;

constexpr DWORD bounded_wait_ms = 30000;

TEST(CommandLine, SplitsByTheMicrosoftCRuntimeRules) {
    EXPECT_EQ(split_command_line("prog a b"), (strings{"prog", "a", "b"}));
    EXPECT_EQ(split_command_line("prog  \t a\t\"b c\" d"), (strings{"prog", "a", "b c", "d"}));
    // argv[0]: quotes group, backslashes are literal.
    EXPECT_EQ(split_command_line("\"C:\\Program Files\\app.exe\" x"), (strings{"C:\\Program Files\\app.exe", "x"}));
    EXPECT_EQ(split_command_line("C:\\dir\\app.exe"), (strings{"C:\\dir\\app.exe"}));
    // 2n backslashes + quote: n backslashes, the quote groups; 2n+1: n and a literal quote.
    EXPECT_EQ(split_command_line(R"(p a\\"b c" d)"), (strings{"p", "a\\b c", "d"}));
    EXPECT_EQ(split_command_line(R"(p a\"b c)"), (strings{"p", "a\"b", "c"}));
    EXPECT_EQ(split_command_line(R"(p a\\\"b)"), (strings{"p", "a\\\"b"}));
    // Backslashes not before a quote are literal.
    EXPECT_EQ(split_command_line(R"(p C:\dir\ a\\b)"), (strings{"p", "C:\\dir\\", "a\\\\b"}));
    // "" inside quotes is a literal quote; "" alone an empty argument.
    EXPECT_EQ(split_command_line(R"(p "a""b" "" c)"), (strings{"p", "a\"b", "", "c"}));
    EXPECT_EQ(split_command_line(R"(p "unterminated arg)"), (strings{"p", "unterminated arg"}));
    EXPECT_EQ(split_command_line("p "), (strings{"p"}));
}

TEST(CommandLine, AnUnquotedProgramWithSpacesIsTriedPieceByPiece) {
    EXPECT_EQ(program_candidates("C:\\Program Files\\x.exe a"),
              (strings{"C:\\Program", "C:\\Program Files\\x.exe", "C:\\Program Files\\x.exe a"}));
    EXPECT_EQ(program_candidates("\"C:\\Program Files\\x.exe\" a"), (strings{"C:\\Program Files\\x.exe"}));
    EXPECT_EQ(program_candidates("app"), (strings{"app"}));
}

struct pipe_pair {
    HANDLE read = nullptr;
    HANDLE write = nullptr;
    explicit pipe_pair(bool inheritable) {
        SECURITY_ATTRIBUTES attributes{sizeof(attributes), nullptr, inheritable ? TRUE : FALSE};
        EXPECT_TRUE(CreatePipe(&read, &write, &attributes, 0));
    }
    ~pipe_pair() {
        if (read != nullptr) CloseHandle(read);
        if (write != nullptr) CloseHandle(write);
    }
    void close_write() {
        CloseHandle(write);
        write = nullptr;
    }
    void close_read() {
        CloseHandle(read);
        read = nullptr;
    }
    /// Everything until every writer is gone (ReadFile: FALSE, ERROR_BROKEN_PIPE).
    std::string drain() const {
        std::string out;
        char buffer[256];
        DWORD got = 0;
        while (ReadFile(read, buffer, sizeof(buffer), &got, nullptr)) out.append(buffer, got);
        EXPECT_EQ(GetLastError(), DWORD{ERROR_BROKEN_PIPE});
        return out;
    }
};

struct child {
    PROCESS_INFORMATION info{};
    ~child() {
        if (info.hProcess != nullptr) CloseHandle(info.hProcess);
        if (info.hThread != nullptr) CloseHandle(info.hThread);
    }
    DWORD wait_for_exit_code() const {
        EXPECT_EQ(WaitForSingleObject(info.hProcess, bounded_wait_ms), WAIT_OBJECT_0);
        DWORD code = 0;
        EXPECT_TRUE(GetExitCodeProcess(info.hProcess, &code));
        return code;
    }
};

BOOL start(child& c, std::string command_line, BOOL inherit = FALSE, STARTUPINFOA* startup = nullptr,
           void* environment = nullptr, const char* directory = nullptr, DWORD flags = 0) {
    STARTUPINFOA plain{};
    plain.cb = sizeof(plain);
    return CreateProcessA(nullptr, command_line.data(), nullptr, nullptr, inherit, flags, environment, directory,
                          startup != nullptr ? startup : &plain, &c.info);
}

STARTUPINFOA std_handles(HANDLE in, HANDLE out, HANDLE err) {
    STARTUPINFOA startup{};
    startup.cb = sizeof(startup);
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdInput = in;
    startup.hStdOutput = out;
    startup.hStdError = err;
    return startup;
}

TEST(ChildProcess, TheChildSeesTheArgumentsAWindowsBuildWouldAndWritesToTheInheritedPipe) {
    pipe_pair output(true);
    SetHandleInformation(output.read, HANDLE_FLAG_INHERIT, 0);  // the parent's end stays here
    auto startup = std_handles(nullptr, output.write, output.write);
    child c;
    // "printf.exe" as a Windows caller names it finds printf on PATH.
    ASSERT_TRUE(start(c, R"(printf.exe "[%s]" "a b" c\"d e\\f "x\\\"y")", TRUE, &startup)) << GetLastError();
    EXPECT_NE(c.info.dwProcessId, 0u);
    EXPECT_EQ(GetProcessId(c.info.hProcess), c.info.dwProcessId);
    output.close_write();
    EXPECT_EQ(output.drain(), R"([a b][c"d][e\\f][x\"y])");
    EXPECT_EQ(c.wait_for_exit_code(), 0u);
    // hThread stands for the primary thread, which ended with the process.
    EXPECT_EQ(WaitForSingleObject(c.info.hThread, 0), WAIT_OBJECT_0);
}

TEST(ChildProcess, StdinAndStdoutPipesCarryTheChildsInputAndOutput) {
    pipe_pair input(true), output(true);
    SetHandleInformation(input.write, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(output.read, HANDLE_FLAG_INHERIT, 0);
    auto startup = std_handles(input.read, output.write, nullptr);
    child c;
    ASSERT_TRUE(start(c, "tr a-z A-Z", TRUE, &startup)) << GetLastError();
    input.close_read();
    output.close_write();
    DWORD written = 0;
    ASSERT_TRUE(WriteFile(input.write, "hello child", 11, &written, nullptr));
    EXPECT_EQ(written, 11u);
    input.close_write();  // the child's end of input
    EXPECT_EQ(output.drain(), "HELLO CHILD");
    EXPECT_EQ(c.wait_for_exit_code(), 0u);
}

TEST(ChildProcess, ExitCodeIsStillActiveUntilTheEndThenTheChildsStatus) {
    child c;
    ASSERT_TRUE(start(c, R"(sh -c "read line; exit 7")")) << GetLastError();
    // stdin is /dev/null: `read` ends at once; the code is the child's.
    EXPECT_EQ(c.wait_for_exit_code(), 7u);
    child running;
    ASSERT_TRUE(start(running, "sleep 60"));
    DWORD code = 0;
    EXPECT_TRUE(GetExitCodeProcess(running.info.hProcess, &code));
    EXPECT_EQ(code, DWORD{STILL_ACTIVE});
    EXPECT_EQ(WaitForSingleObject(running.info.hProcess, 0), DWORD{WAIT_TIMEOUT});
    EXPECT_TRUE(TerminateProcess(running.info.hProcess, 42));
    EXPECT_EQ(running.wait_for_exit_code(), 42u);
    // Ended: TerminateProcess is refused, the code stays.
    EXPECT_FALSE(TerminateProcess(running.info.hProcess, 1));
    EXPECT_EQ(GetLastError(), DWORD{ERROR_ACCESS_DENIED});
    EXPECT_EQ(running.wait_for_exit_code(), 42u);
}

TEST(ChildProcess, AChildKilledBySigsegvReportsAnAccessViolation) {
    child c;
    ASSERT_TRUE(start(c, R"(sh -c "kill -SEGV $$")"));
    EXPECT_EQ(c.wait_for_exit_code(), 0xC0000005u);
}

TEST(ChildProcess, HandlesReachTheChildOnlyWhenInheritableAndInheritanceIsAsked) {
    pipe_pair output(true);
    auto startup = std_handles(nullptr, output.write, nullptr);
    child c;
    ASSERT_TRUE(start(c, "printf leaked", FALSE, &startup));  // bInheritHandles FALSE
    output.close_write();
    EXPECT_EQ(c.wait_for_exit_code(), 0u);
    EXPECT_EQ(output.drain(), "");
    // Not even a descriptor opened without close-on-exec reaches a child that inherits nothing.
    const int leaky = ::open("/dev/null", O_RDONLY);
    ASSERT_GE(leaky, 0);
    child probe;
    ASSERT_TRUE(start(probe, "bash -c \"exec 2>/dev/null; : <&" + std::to_string(leaky) + "\""));
    EXPECT_NE(probe.wait_for_exit_code(), 0u);
    ::close(leaky);

    // Any other inheritable handle stays open in the child at its own descriptor.
    char path[] = "/tmp/isapi_process_testXXXXXX";
    const int scratch = ::mkstemp(path);
    ASSERT_GE(scratch, 0);
    ::close(scratch);
    SECURITY_ATTRIBUTES inherit{sizeof(inherit), nullptr, TRUE};
    HANDLE kept = CreateFileA(path, GENERIC_WRITE, 0, &inherit, CREATE_ALWAYS, 0, nullptr);
    HANDLE not_kept = CreateFileA(path, GENERIC_WRITE, 0, nullptr, OPEN_EXISTING, 0, nullptr);
    ASSERT_NE(kept, INVALID_HANDLE_VALUE);
    ASSERT_NE(not_kept, INVALID_HANDLE_VALUE);
    DWORD flags = 0;
    EXPECT_TRUE(GetHandleInformation(kept, &flags));
    EXPECT_EQ(flags, DWORD{HANDLE_FLAG_INHERIT});
    const int kept_fd = isapi_fd_from_handle(kept);
    const int not_kept_fd = isapi_fd_from_handle(not_kept);
    child writer;
    // (bash: dash takes one-digit descriptors only.)
    ASSERT_TRUE(start(writer, "bash -c \"printf inherited >&" + std::to_string(kept_fd) + "\"", TRUE));
    EXPECT_EQ(writer.wait_for_exit_code(), 0u);
    child refused;
    ASSERT_TRUE(start(refused, "bash -c \"printf x >&" + std::to_string(not_kept_fd) + " 2>/dev/null\"", TRUE));
    EXPECT_NE(refused.wait_for_exit_code(), 0u);
    CloseHandle(kept);
    CloseHandle(not_kept);
    std::ifstream in(path);
    std::stringstream content;
    content << in.rdbuf();
    EXPECT_EQ(content.str(), "inherited");
    ::unlink(path);
}

TEST(ChildProcess, EnvironmentBlockAndCurrentDirectoryApply) {
    pipe_pair output(true);
    SetHandleInformation(output.read, HANDLE_FLAG_INHERIT, 0);
    auto startup = std_handles(nullptr, output.write, nullptr);
    static const char block[] = "GREETING=hi there\0=C:=C:\\dir\0OTHER=1\0";  // + the final NUL
    child c;
    ASSERT_TRUE(start(c, R"(sh -c "printf '%s|%s|%s' \"$GREETING\" \"$OTHER\" \"$(pwd)\"")", TRUE, &startup,
                      const_cast<char*>(block), "\\tmp"));
    output.close_write();
    EXPECT_EQ(output.drain(), "hi there|1|/tmp");
    EXPECT_EQ(c.wait_for_exit_code(), 0u);
}

TEST(ChildProcess, WideFormsTakeAUnicodeEnvironment) {
    pipe_pair output(true);
    SetHandleInformation(output.read, HANDLE_FLAG_INHERIT, 0);
    STARTUPINFOW startup{};
    startup.cb = sizeof(startup);
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdOutput = output.write;
    static const char16_t block[] = u"NAME=caf\u00e9\0";
    std::u16string command = u"sh -c \"printf %s \\\"$NAME\\\"\"";
    PROCESS_INFORMATION info{};
    ASSERT_TRUE(CreateProcessW(nullptr, reinterpret_cast<LPWSTR>(command.data()), nullptr, nullptr, TRUE,
                               CREATE_UNICODE_ENVIRONMENT | CREATE_NO_WINDOW, const_cast<char16_t*>(block), nullptr,
                               &startup, &info))
        << GetLastError();
    output.close_write();
    EXPECT_EQ(output.drain(), "caf\xc3\xa9");
    EXPECT_EQ(WaitForSingleObject(info.hProcess, bounded_wait_ms), WAIT_OBJECT_0);
    CloseHandle(info.hProcess);
    CloseHandle(info.hThread);
}

TEST(ChildProcess, FailuresAreTheWindowsCodes) {
    child c;
    EXPECT_FALSE(start(c, "no-such-program-isapi arg"));
    EXPECT_EQ(GetLastError(), DWORD{ERROR_FILE_NOT_FOUND});
    EXPECT_EQ(c.info.hProcess, nullptr);
    EXPECT_FALSE(start(c, "sh -c true", FALSE, nullptr, nullptr, "/no/such/dir"));
    EXPECT_EQ(GetLastError(), DWORD{ERROR_DIRECTORY});
    EXPECT_FALSE(start(c, "sh -c true", FALSE, nullptr, nullptr, nullptr, CREATE_SUSPENDED));
    EXPECT_EQ(GetLastError(), DWORD{ERROR_NOT_SUPPORTED});
    // lpApplicationName is not searched for.
    char command[] = "sh -c true";
    STARTUPINFOA startup{};
    startup.cb = sizeof(startup);
    EXPECT_FALSE(CreateProcessA("sh", command, nullptr, nullptr, FALSE, 0, nullptr, nullptr, &startup, &c.info));
    EXPECT_EQ(GetLastError(), DWORD{ERROR_FILE_NOT_FOUND});
    EXPECT_TRUE(CreateProcessA("/bin/sh", command, nullptr, nullptr, FALSE, 0, nullptr, nullptr, &startup, &c.info));
    EXPECT_EQ(c.wait_for_exit_code(), 0u);
    // A file that is not a program.
    char path[] = "/tmp/isapi_process_notexeXXXXXX";
    const int fd = ::mkstemp(path);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, "\x01\x02\x03\x04", 4), 4);
    ::fchmod(fd, 0755);
    ::close(fd);
    child bad;
    EXPECT_FALSE(start(bad, path));
    EXPECT_EQ(GetLastError(), DWORD{ERROR_BAD_EXE_FORMAT});
    ::unlink(path);
    DWORD code = 0;
    EXPECT_FALSE(GetExitCodeProcess(nullptr, &code));
    EXPECT_EQ(GetLastError(), DWORD{ERROR_INVALID_HANDLE});
    EXPECT_FALSE(SetHandleInformation(nullptr, HANDLE_FLAG_INHERIT, 0));
    EXPECT_EQ(GetLastError(), DWORD{ERROR_INVALID_HANDLE});
}

}  // namespace
