// isapi-wine-worker.exe: the Windows worker. Runs under Wine, started by a Linux worker with
// pipes as stdin/stdout; loads one unmodified ISAPI DLL and serves the requests the Linux worker
// relays over those pipes (src/wine/link_protocol.hpp, docs/wine.md).
//
//   isapi-wine-worker.exe DLL THREADS READ_AHEAD MAX_HEADER_BYTES POOL DOCUMENT_ROOT STREAMING
//                         [STRICT_ASYNC [EXTENSION_NAME [SEND_URL_INTERNAL [URL_FLAGS
//                         [MAX_EXEC_PARAMS [MAX_EXEC_ENTITY]]]]]]
//   isapi-wine-worker.exe --keep-prefix
//       the master's prefix keeper: loads nothing and waits for EOF on stdin, so that the
//       prefix always has a Windows process and Wine's services stay up between workers.
#include <windows.h>
#include <httpext.h>
#include <fcntl.h>
#include <io.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "fcgi/record_parser.hpp"
#include "record_pipe.hpp"
#include "wine/link_protocol.hpp"
#include "windows_request.hpp"
#include "work_queue.hpp"

using namespace isapi_fcgi;
using namespace isapi_fcgi::wine_worker;

namespace {

const char* dll_path = "";
/// How long requests still running at EOF may take (the Linux worker kills after its own bound).
constexpr ULONGLONG stop_grace_ms = 8000;

/// Wine's debugger is disabled (winedbg.exe=d), so this is the report: one line naming the DLL,
/// then the process ends at once and the Linux worker sees EOF on the pipe.
LONG WINAPI crash_filter(EXCEPTION_POINTERS* info) {
    const auto* record = info->ExceptionRecord;
    HMODULE module = nullptr;
    char name[MAX_PATH] = "?";
    if (GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                           static_cast<LPCSTR>(record->ExceptionAddress), &module))
        GetModuleFileNameA(module, name, sizeof name);
    char text[2 * MAX_PATH + 128];
    std::snprintf(text, sizeof text, "%s: unhandled exception 0x%08lx at %p in %s; the worker ends", dll_path,
                  static_cast<unsigned long>(record->ExceptionCode), record->ExceptionAddress, name);
    log_line(text);
    TerminateProcess(GetCurrentProcess(), record->ExceptionCode);
    return EXCEPTION_EXECUTE_HANDLER;
}

struct protocol_handles {
    HANDLE in = INVALID_HANDLE_VALUE;
    HANDLE out = INVALID_HANDLE_VALUE;
};

/// Takes the pipes away from stdin/stdout before the DLL loads: its printf (and its CRT's idea
/// of the standard handles) then reach stderr, the log, and never the protocol.
protocol_handles move_pipes_aside() {
    protocol_handles pipes;
    const HANDLE self = GetCurrentProcess();
    DuplicateHandle(self, GetStdHandle(STD_INPUT_HANDLE), self, &pipes.in, 0, FALSE, DUPLICATE_SAME_ACCESS);
    DuplicateHandle(self, GetStdHandle(STD_OUTPUT_HANDLE), self, &pipes.out, 0, FALSE, DUPLICATE_SAME_ACCESS);
    std::fflush(stdout);
    _dup2(_fileno(stderr), _fileno(stdout));
    const int null = _open("NUL", _O_RDONLY);
    if (null >= 0) _dup2(null, _fileno(stdin));
    SetStdHandle(STD_OUTPUT_HANDLE, GetStdHandle(STD_ERROR_HANDLE));
    SetStdHandle(STD_INPUT_HANDLE, reinterpret_cast<HANDLE>(_get_osfhandle(_fileno(stdin))));
    return pipes;
}

struct loaded_extension {
    HMODULE module = nullptr;
    PFN_HTTPEXTENSIONPROC proc = nullptr;
    PFN_TERMINATEEXTENSION terminate = nullptr;
    std::string description;
    std::string error;
};

loaded_extension load(const char* path) {
    loaded_extension ext;
    ext.module = LoadLibraryA(path);
    if (!ext.module) {
        ext.error = "LoadLibrary failed (error " + std::to_string(GetLastError()) + ")";
        return ext;
    }
    const auto version = reinterpret_cast<PFN_GETEXTENSIONVERSION>(
        reinterpret_cast<void*>(GetProcAddress(ext.module, "GetExtensionVersion")));
    ext.proc = reinterpret_cast<PFN_HTTPEXTENSIONPROC>(
        reinterpret_cast<void*>(GetProcAddress(ext.module, "HttpExtensionProc")));
    ext.terminate = reinterpret_cast<PFN_TERMINATEEXTENSION>(
        reinterpret_cast<void*>(GetProcAddress(ext.module, "TerminateExtension")));
    if (!version || !ext.proc) {
        ext.error = std::string("does not export ") + (!version ? "GetExtensionVersion" : "HttpExtensionProc");
        ext.proc = nullptr;
        return ext;
    }
    HSE_VERSION_INFO info{};
    if (!version(&info)) {
        ext.error = "GetExtensionVersion returned FALSE (last error " + std::to_string(GetLastError()) + ")";
        ext.proc = nullptr;
        return ext;
    }
    info.lpszExtensionDesc[sizeof info.lpszExtensionDesc - 1] = '\0';
    ext.description = info.lpszExtensionDesc;
    return ext;
}

/// Reads records until EOF, handing each request's parts to its windows_request.
void serve(HANDLE in, worker_context& context) {
    // Weak: a request lives from its PARAMS to its end, not until its id is reused.
    struct slot {
        std::string params;
        std::string exec_answer;  // DATA: the Linux worker's answer to an EXEC_URL
        std::weak_ptr<windows_request> request;
        bool started = false;
    };
    std::map<std::uint16_t, slot> slots;
    fcgi::record_parser parser;
    std::string buffer(64 * 1024, '\0');
    while (true) {
        DWORD got = 0;
        if (!ReadFile(in, buffer.data(), static_cast<DWORD>(buffer.size()), &got, nullptr) || got == 0) return;
        std::span<const std::byte> input(reinterpret_cast<const std::byte*>(buffer.data()), got);
        while (true) {
            std::error_code ec;
            const auto step = parser.next(input, ec);
            if (ec) {
                log_line("the Linux worker sent a malformed record; the worker ends");
                return;
            }
            input = input.subspan(step.consumed);
            if (step.what == fcgi::record_parser::event::need_more) break;
            const auto& header = parser.header();
            const auto type = header.kind();
            if (step.what == fcgi::record_parser::event::header) {
                if (type == fcgi::record_type::begin_request) {
                    slots[header.request_id] = slot{};
                } else if (header.content_length != 0) {
                    continue;
                } else if (auto found = slots.find(header.request_id); found != slots.end()) {
                    auto& s = found->second;
                    if (type == fcgi::record_type::params && !s.started) {
                        fcgi::param_set params;
                        fcgi::param_set::parse(std::move(s.params), params);
                        auto request = std::make_shared<windows_request>(context, header.request_id, std::move(params));
                        s.request = request;
                        s.started = true;
                        context.threads->post([request] { request->run(); });
                    } else if (type == fcgi::record_type::stdin_stream) {
                        if (auto request = s.request.lock()) request->body_ended();
                    } else if (type == fcgi::record_type::data) {
                        fcgi::param_set answer;
                        fcgi::param_set::parse(std::exchange(s.exec_answer, {}), answer);
                        if (auto request = s.request.lock()) request->exec_mapped(answer);
                    }
                }
                if (type == fcgi::record_type::abort_request)
                    if (auto found = slots.find(header.request_id); found != slots.end())
                        if (auto request = found->second.request.lock()) request->abort();
            } else if (step.what == fcgi::record_parser::event::content) {
                const auto found = slots.find(header.request_id);
                if (found == slots.end()) continue;
                const std::string_view piece(reinterpret_cast<const char*>(step.content.data()), step.content.size());
                if (type == fcgi::record_type::params) found->second.params.append(piece);
                else if (type == fcgi::record_type::data) found->second.exec_answer.append(piece);
                else if (type == fcgi::record_type::stdin_stream) {
                    if (auto request = found->second.request.lock()) request->body_arrived(piece);
                } else if (type == fcgi::record_type::stdout_stream) {
                    if (auto request = found->second.request.lock()) request->linux_child_output(piece);
                }
            }
        }
    }
}

/// While any Windows process of the prefix lives, Wine keeps its services (services.exe,
/// winedevice, rpcss...) up, and a worker starts in ~0.1-0.3 s instead of ~1-2 s. The master
/// closes our stdin to stop us; its death closes it too.
int keep_prefix() {
    char buffer[64];
    DWORD got = 0;
    while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), buffer, sizeof buffer, &got, nullptr) && got > 0) {
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && std::string_view(argv[1]) == "--keep-prefix") return keep_prefix();
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    SetUnhandledExceptionFilter(crash_filter);
    const protocol_handles pipes = move_pipes_aside();
    record_pipe pipe(pipes.out);
    if (argc < 8) {
        pipe.write_stream(fcgi::record_type::stderr_stream, 0, std::string(wine::status_failed) + "usage: "
                          "isapi-wine-worker.exe DLL THREADS READ_AHEAD MAX_HEADER_BYTES POOL DOCUMENT_ROOT STREAMING");
        return 2;
    }
    dll_path = argv[1];
    const unsigned threads = static_cast<unsigned>(std::max(1, std::atoi(argv[2])));
    worker_context context;
    context.pipe = &pipe;
    context.upload_read_ahead = static_cast<std::size_t>(std::atoll(argv[3]));
    context.translator.max_header_bytes = static_cast<std::size_t>(std::atoll(argv[4]));
    context.variables.app_pool_id = argv[5];
    context.variables.document_root = argv[6];
    if (std::string_view(argv[7]) == "1") context.translator.extra_header_lines = "X-Accel-Buffering: no\r\n";
    context.strict_async = argc > 8 && std::string_view(argv[8]) == "1";
    context.extension_name = argc > 9 ? argv[9] : dll_path;
    context.send_url_internal = argc > 10 && std::string_view(argv[10]) == "1";
    if (argc > 11) context.url_flags = static_cast<DWORD>(std::strtoul(argv[11], nullptr, 10));
    if (argc > 12) context.max_exec_params = static_cast<std::size_t>(std::strtoull(argv[12], nullptr, 10));
    if (argc > 13) context.max_exec_entity = static_cast<std::size_t>(std::strtoull(argv[13], nullptr, 10));

    const loaded_extension ext = load(dll_path);
    if (!ext.proc) {
        pipe.write_stream(fcgi::record_type::stderr_stream, 0, std::string(wine::status_failed) + ext.error);
        log_line(std::string(dll_path) + ": " + ext.error);
        return 3;
    }
    context.proc = ext.proc;
    // Never destroyed: a DLL thread that never returns must not keep the process from ending.
    auto* pool = new work_queue(threads);
    context.threads = pool;
    pipe.write_stream(fcgi::record_type::stderr_stream, 0, std::string(wine::status_ready) + ext.description);
    serve(pipes.in, context);
    // EOF: the Linux worker is stopping us. Requests still running get a bounded time to
    // finish, then TerminateExtension runs and the process ends whatever is left.
    const ULONGLONG deadline = GetTickCount64() + stop_grace_ms;
    while (context.unfinished.load() > 0 && GetTickCount64() < deadline) Sleep(10);
    if (ext.terminate) ext.terminate(HSE_TERM_MUST_UNLOAD);
    std::fflush(nullptr);
    ExitProcess(0);
}
