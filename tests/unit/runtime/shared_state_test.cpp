// The runtime's state is one per process: a module loaded with RTLD_LOCAL, as the host loads
// extensions, sees the last error, handles and log hook of the executable that loaded it.
// Also checks what isapi_add_extension exports from a C++ module.
#include <gtest/gtest.h>

#include <dlfcn.h>

#include <memory>
#include <string>

#include <isapi/httpext.h>
#include <isapi/isapi_runtime.h>

namespace {

struct module_closer {
    void operator()(void* handle) const { dlclose(handle); }
};
using module_ptr = std::unique_ptr<void, module_closer>;

module_ptr load_probe() {
    dlerror();
    module_ptr module(dlopen(ISAPI_RUNTIME_PROBE_PATH, RTLD_NOW | RTLD_LOCAL));
    if (!module) {
        ADD_FAILURE() << "dlopen " << ISAPI_RUNTIME_PROBE_PATH << ": " << dlerror();
    }
    return module;
}

template <typename Function>
Function symbol(void* module, const char* name) {
    return reinterpret_cast<Function>(dlsym(module, name));
}

TEST(shared_state, last_error_set_on_one_side_is_read_on_the_other) {
    const auto module = load_probe();
    ASSERT_TRUE(module);
    const auto set = symbol<void (*)(DWORD)>(module.get(), "probe_set_last_error");
    const auto get = symbol<DWORD (*)()>(module.get(), "probe_get_last_error");
    ASSERT_NE(set, nullptr);
    ASSERT_NE(get, nullptr);

    SetLastError(ERROR_INVALID_INDEX); // the host fails a GetServerVariable call ...
    EXPECT_EQ(get(), static_cast<DWORD>(ERROR_INVALID_INDEX)); // ... the extension sees why
    set(ERROR_NOT_SUPPORTED);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_NOT_SUPPORTED));
}

TEST(shared_state, handles_are_one_table) {
    const auto module = load_probe();
    ASSERT_TRUE(module);
    const auto from_fd = symbol<HANDLE (*)(int)>(module.get(), "probe_handle_from_fd");
    const auto to_fd = symbol<int (*)(HANDLE)>(module.get(), "probe_fd_from_handle");
    ASSERT_NE(from_fd, nullptr);
    ASSERT_NE(to_fd, nullptr);

    const HANDLE from_extension = from_fd(0); // an extension's CreateFile ...
    EXPECT_EQ(isapi_fd_from_handle(from_extension), 0); // ... resolved by the host's TransmitFile
    const HANDLE from_host = isapi_handle_from_fd(2);
    EXPECT_EQ(to_fd(from_host), 2);
    isapi_handle_release(from_extension);
    isapi_handle_release(from_host);
}

TEST(shared_state, extension_messages_reach_the_hosts_hook) {
    const auto module = load_probe();
    ASSERT_TRUE(module);
    const auto log = symbol<void (*)(const char*)>(module.get(), "probe_log");
    ASSERT_NE(log, nullptr);
    std::string received;
    isapi_set_log_hook(
        [](void* context, int level, const char* message, std::size_t length) {
            *static_cast<std::string*>(context) =
                std::to_string(level) + ":" + std::string(message, length);
        },
        &received);
    log("hi");
    isapi_set_log_hook(nullptr, nullptr);
    EXPECT_EQ(received, std::to_string(ISAPI_LOG_WARN) + ":probe says hi");
}

TEST(extension_exports, entry_points_have_c_names_and_other_globals_are_hidden) {
    const auto module = load_probe();
    ASSERT_TRUE(module);
    // Defined in C++ without extern "C": httpext.h's declarations give them C linkage.
    EXPECT_NE(dlsym(module.get(), "GetExtensionVersion"), nullptr);
    EXPECT_NE(dlsym(module.get(), "HttpExtensionProc"), nullptr);
    EXPECT_NE(dlsym(module.get(), "DllMain"), nullptr);
    // Not defined by the probe: looking it up must not find the host's or anyone's.
    EXPECT_EQ(dlsym(module.get(), "TerminateExtension"), nullptr);
    // An extern "C" global without __declspec(dllexport) stays inside the module.
    EXPECT_EQ(dlsym(module.get(), "probe_hidden"), nullptr);

    const auto get_version =
        symbol<PFN_GETEXTENSIONVERSION>(module.get(), "GetExtensionVersion");
    ASSERT_NE(get_version, nullptr);
    HSE_VERSION_INFO version{};
    EXPECT_TRUE(get_version(&version));
    EXPECT_EQ(version.dwExtensionVersion, static_cast<DWORD>(HSE_VERSION));
    EXPECT_EQ(HIWORD(version.dwExtensionVersion), HSE_VERSION_MAJOR);
}

} // namespace
