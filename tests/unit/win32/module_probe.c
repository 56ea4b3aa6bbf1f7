/*
 * module_probe - a plug-in module for the modules and DLL_THREAD_* tests, built with
 * isapi_add_extension as an extension would be. DllMain counts every reason it is called
 * with; probe_counts() reports them, probe_disable() calls DisableThreadLibraryCalls on itself.
 */
#include <windows.h>

static HMODULE g_hModule;
static volatile LONG g_counts[4];

BOOL WINAPI DllMain(HINSTANCE hinstDLL, DWORD fdwReason, LPVOID lpvReserved)
{
    (void)lpvReserved;
    if (fdwReason == DLL_PROCESS_ATTACH) g_hModule = hinstDLL;
    if (fdwReason < 4) InterlockedIncrement(&g_counts[fdwReason]);
    return TRUE;
}

__declspec(dllexport) void probe_counts(LONG out[4])
{
    int i;
    for (i = 0; i < 4; ++i) out[i] = InterlockedExchangeAdd(&g_counts[i], 0);
}

__declspec(dllexport) BOOL probe_disable(void)
{
    return DisableThreadLibraryCalls(g_hModule);
}

__declspec(dllexport) HMODULE probe_module(void)
{
    return g_hModule;
}

__declspec(dllexport) HMODULE probe_own_module_by_address(void)
{
    HMODULE found = NULL;
    if (!GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS
                                | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            (LPCSTR)&probe_counts, &found)) {
        return NULL;
    }
    return found;
}
