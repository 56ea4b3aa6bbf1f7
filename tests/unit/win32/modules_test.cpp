// Module functions and the loader emulation: LoadLibrary runs a plug-in's DllMain through the
// runtime, threads from CreateThread and QueueUserWorkItem give DLL_THREAD_ATTACH/DETACH until
// DisableThreadLibraryCalls, FreeLibrary gives DLL_PROCESS_DETACH.
#include <windows.h>

#include <gtest/gtest.h>

#include <cstring>

#include <dlfcn.h>
#include <unistd.h>

#include <string>

namespace {

using counts_fn = void (*)(LONG*);

// FARPROC to the function type it really has (through void*, as -Wcast-function-type wants).
template <typename Function>
Function procedure(HMODULE module, const char* name) {
    return reinterpret_cast<Function>(reinterpret_cast<void*>(GetProcAddress(module, name)));
}

struct probe {
    HMODULE module = nullptr;
    counts_fn counts = nullptr;

    LONG count(DWORD reason) const {
        LONG out[4] = {};
        counts(out);
        return out[reason];
    }
};

probe load_probe() {
    probe p;
    p.module = LoadLibraryA(ISAPI_MODULE_PROBE_PATH);
    if (p.module != nullptr) {
        p.counts = procedure<counts_fn>(p.module, "probe_counts");
    }
    return p;
}

void run_thread() {
    HANDLE thread = CreateThread(nullptr, 0, [](LPVOID) -> DWORD { return 0; }, nullptr, 0, nullptr);
    ASSERT_NE(thread, nullptr);
    ASSERT_EQ(WaitForSingleObject(thread, 10000), WAIT_OBJECT_0);
    CloseHandle(thread);
}

TEST(modules, load_library_attach_thread_notifications_and_free) {
    probe p = load_probe();
    ASSERT_NE(p.module, nullptr);
    ASSERT_NE(p.counts, nullptr);
    EXPECT_EQ(p.count(DLL_PROCESS_ATTACH), 1);
    const LONG attached = p.count(DLL_THREAD_ATTACH);
    const LONG detached = p.count(DLL_THREAD_DETACH);
    run_thread();
    // The handle is signalled after DLL_THREAD_DETACH ran, so both are visible now.
    EXPECT_EQ(p.count(DLL_THREAD_ATTACH), attached + 1);
    EXPECT_EQ(p.count(DLL_THREAD_DETACH), detached + 1);

    // A second LoadLibrary only counts; DllMain is not called again.
    HMODULE again = LoadLibraryA(ISAPI_MODULE_PROBE_PATH);
    EXPECT_EQ(again, p.module);
    EXPECT_EQ(p.count(DLL_PROCESS_ATTACH), 1);
    EXPECT_TRUE(FreeLibrary(again));
    EXPECT_EQ(p.count(DLL_PROCESS_DETACH), 0);

    const auto disable = procedure<BOOL (*)()>(p.module, "probe_disable");
    ASSERT_NE(disable, nullptr);
    EXPECT_TRUE(disable());
    run_thread();
    EXPECT_EQ(p.count(DLL_THREAD_ATTACH), attached + 1);
    EXPECT_EQ(p.count(DLL_THREAD_DETACH), detached + 1);

    // Keep the module mapped past FreeLibrary to read the detach count.
    HMODULE pin = LoadLibraryA(ISAPI_MODULE_PROBE_PATH);
    EXPECT_TRUE(FreeLibrary(pin));
    EXPECT_TRUE(FreeLibrary(p.module));
}

TEST(modules, process_detach_on_the_last_free_library) {
    probe p = load_probe();
    ASSERT_NE(p.module, nullptr);
    void* keep = dlopen(ISAPI_MODULE_PROBE_PATH, RTLD_NOW | RTLD_LOCAL);  // keeps it mapped
    ASSERT_NE(keep, nullptr);
    EXPECT_TRUE(FreeLibrary(p.module));
    EXPECT_EQ(p.count(DLL_PROCESS_DETACH), 1);
    dlclose(keep);
}

TEST(modules, get_proc_address_and_load_library_errors) {
    EXPECT_EQ(LoadLibraryA("/nonexistent/plugin.dll"), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_MOD_NOT_FOUND));
    probe p = load_probe();
    ASSERT_NE(p.module, nullptr);
    EXPECT_EQ(GetProcAddress(p.module, "not_exported"), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_PROC_NOT_FOUND));
    EXPECT_EQ(GetProcAddress(p.module, reinterpret_cast<LPCSTR>(1)), nullptr);  // an ordinal
    EXPECT_TRUE(FreeLibrary(p.module));
}

TEST(modules, dll_suffix_finds_the_so) {
    std::string windows_name = ISAPI_MODULE_PROBE_PATH;
    windows_name.replace(windows_name.size() - 3, 3, ".dll");
    probe p;
    p.module = LoadLibraryA(windows_name.c_str());
    ASSERT_NE(p.module, nullptr) << windows_name;
    EXPECT_EQ(GetModuleHandleA("MODULE_PROBE.DLL"), p.module);
    EXPECT_EQ(GetModuleHandleA("module_probe"), p.module);
    EXPECT_EQ(GetModuleHandleA("absent.dll"), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_MOD_NOT_FOUND));
    EXPECT_TRUE(FreeLibrary(p.module));
}

TEST(modules, file_names_of_the_executable_and_a_module) {
    char path[MAX_PATH];
    const DWORD n = GetModuleFileNameA(nullptr, path, sizeof(path));
    ASSERT_GT(n, 0u);
    char expected[MAX_PATH] = {};
    ASSERT_GT(readlink("/proc/self/exe", expected, sizeof(expected) - 1), 0);
    EXPECT_STREQ(path, expected);
    probe p = load_probe();
    ASSERT_NE(p.module, nullptr);
    EXPECT_EQ(GetModuleFileNameA(p.module, path, sizeof(path)), std::strlen(ISAPI_MODULE_PROBE_PATH));
    EXPECT_STREQ(path, ISAPI_MODULE_PROBE_PATH);
    char small[5];
    EXPECT_EQ(GetModuleFileNameA(p.module, small, sizeof(small)), 5u);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));
    EXPECT_EQ(small[4], '\0');
    const auto by_address =
        procedure<HMODULE (*)()>(p.module, "probe_own_module_by_address");
    const auto from_dll_main = procedure<HMODULE (*)()>(p.module, "probe_module");
    ASSERT_NE(by_address, nullptr);
    EXPECT_EQ(by_address(), p.module);
    EXPECT_EQ(from_dll_main(), p.module);  // hinstDLL is the module handle
    EXPECT_EQ(GetModuleHandleA(nullptr), GetModuleHandleA(nullptr));
    EXPECT_EQ(GetModuleFileNameA(reinterpret_cast<HMODULE>(0x1234), path, sizeof(path)), 0u);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_MOD_NOT_FOUND));
    EXPECT_TRUE(FreeLibrary(p.module));
}

}  // namespace
