// The loader emulation behind isapi_module_attach/detach and isapi_thread_attach/detach, with
// DllMain functions defined here (the runtime calls them as it calls an extension's).
#include "runtime/module_registry.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace isapi_fcgi::runtime {
namespace {

struct recorder {
    static inline std::vector<std::pair<HANDLE, DWORD>> calls;
    static inline BOOL attach_result = TRUE;

    static BOOL WINAPI dll_main(HANDLE module, DWORD reason, LPVOID) {
        calls.emplace_back(module, reason);
        return reason == DLL_PROCESS_ATTACH ? attach_result : TRUE;
    }
};

HANDLE module(int n) {
    return reinterpret_cast<HANDLE>(static_cast<std::uintptr_t>(0x1000 * n));
}

class module_registry_test : public ::testing::Test {
protected:
    void SetUp() override {
        recorder::calls.clear();
        recorder::attach_result = TRUE;
    }
    module_registry registry_;
};

TEST_F(module_registry_test, attach_once_detach_on_the_last_reference) {
    EXPECT_TRUE(registry_.attach(module(1), recorder::dll_main));
    EXPECT_TRUE(registry_.attach(module(1), recorder::dll_main));
    EXPECT_TRUE(registry_.detach(module(1)));
    EXPECT_TRUE(registry_.attached(module(1)));
    EXPECT_TRUE(registry_.detach(module(1)));
    EXPECT_FALSE(registry_.attached(module(1)));
    EXPECT_FALSE(registry_.detach(module(1)));
    const std::vector<std::pair<HANDLE, DWORD>> expected{{module(1), DLL_PROCESS_ATTACH},
                                                        {module(1), DLL_PROCESS_DETACH}};
    EXPECT_EQ(recorder::calls, expected);
}

TEST_F(module_registry_test, failed_attach_is_followed_by_detach_and_not_registered) {
    recorder::attach_result = FALSE;
    EXPECT_FALSE(registry_.attach(module(2), recorder::dll_main));
    EXPECT_FALSE(registry_.attached(module(2)));
    ASSERT_EQ(recorder::calls.size(), 2u);
    EXPECT_EQ(recorder::calls[1].second, static_cast<DWORD>(DLL_PROCESS_DETACH));
}

TEST_F(module_registry_test, thread_notifications_in_load_order_and_reverse_until_disabled) {
    registry_.attach(module(1), recorder::dll_main);
    registry_.attach(module(2), recorder::dll_main);
    registry_.attach(module(3), nullptr);  // no DllMain: counted, never called
    recorder::calls.clear();
    registry_.notify_thread(DLL_THREAD_ATTACH);
    registry_.notify_thread(DLL_THREAD_DETACH);
    const std::vector<std::pair<HANDLE, DWORD>> expected{{module(1), DLL_THREAD_ATTACH},
                                                        {module(2), DLL_THREAD_ATTACH},
                                                        {module(2), DLL_THREAD_DETACH},
                                                        {module(1), DLL_THREAD_DETACH}};
    EXPECT_EQ(recorder::calls, expected);
    recorder::calls.clear();
    EXPECT_TRUE(registry_.disable_thread_calls(module(1)));
    EXPECT_FALSE(registry_.disable_thread_calls(module(9)));
    registry_.notify_thread(DLL_THREAD_ATTACH);
    ASSERT_EQ(recorder::calls.size(), 1u);
    EXPECT_EQ(recorder::calls[0].first, module(2));
}

TEST_F(module_registry_test, a_thread_started_during_process_attach_waits_for_it) {
    static module_registry* shared = nullptr;
    static std::thread* starter = nullptr;
    shared = &registry_;
    std::thread worker;
    starter = &worker;
    auto main = [](HANDLE self, DWORD reason, LPVOID) -> BOOL {
        recorder::calls.emplace_back(self, reason);
        if (reason == DLL_PROCESS_ATTACH) {
            // As DllMain samples do: start a worker. Its notification needs the loader lock,
            // so it arrives only after this attach returned.
            *starter = std::thread([] { shared->notify_thread(DLL_THREAD_ATTACH); });
        }
        return TRUE;
    };
    registry_.attach(module(4), main);
    worker.join();
    ASSERT_EQ(recorder::calls.size(), 2u);
    EXPECT_EQ(recorder::calls[0].second, static_cast<DWORD>(DLL_PROCESS_ATTACH));
    EXPECT_EQ(recorder::calls[1].second, static_cast<DWORD>(DLL_THREAD_ATTACH));
}

}  // namespace
}  // namespace isapi_fcgi::runtime
