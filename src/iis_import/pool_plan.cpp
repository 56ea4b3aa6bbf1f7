#include "iis_import/pool_plan.hpp"

#include <strings.h>

#include <charconv>
#include <set>

namespace isapi_fcgi::iis_import {
namespace {

// The sidecar's ranges (src/config/schema.cpp): durations up to 24h, 1..256 workers, 0..1000
// crashes, max_rss up to 2^50 bytes.
constexpr std::chrono::milliseconds longest_duration = std::chrono::hours(24);
constexpr unsigned long long most_workers = 256;
constexpr unsigned long long most_crashes = 1000;
constexpr unsigned long long largest_rss_kib = 1ULL << 40;

std::optional<unsigned long long> whole_number(std::string_view text) {
    unsigned long long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

/// "recycling/periodicRestart@time" -> "recycling/periodicRestart time" ("@queueLength" -> "queueLength").
std::string setting_name(const std::string& key) {
    const auto at = key.find('@');
    if (at == std::string::npos) return "<" + key + ">";
    return at == 0 ? key.substr(1) : key.substr(0, at) + " " + key.substr(at + 1);
}

/// Settings that need no line: warned about by the reader (32-bit, identity), ASP.NET's, and what
/// the sidecar already does (it logs every recycle, starts every pool at once).
bool needs_no_warning(const std::string& key, const std::string& value) {
    static const std::set<std::string> quiet{
        "@enable32BitAppOnWin64", "@managedRuntimeVersion", "@managedPipelineMode", "@managedRuntimeLoader",
        "@CLRConfigFile", "@enableConfigurationOverride", "@passAnonymousToken", "@startMode",
        "processModel@identityType", "processModel@userName", "processModel@password",
        "processModel@loadUserProfile", "processModel@setProfileEnvironment", "processModel@logonType",
        "processModel@manualGroupMembership", "recycling@logEventOnRecycle"};
    if (quiet.count(key)) return true;
    // IIS's defaults where they are also the sidecar's behaviour.
    return (key == "@autoStart" && ::strcasecmp(value.c_str(), "true") == 0)
           || (key == "processModel@idleTimeout" && parse_timespan(value) == std::chrono::milliseconds(0))
           || (key == "cpu@limit" && value == "0");
}

class pool_process_planner {
public:
    pool_process_planner(const application_pool& pool, planned_pool& planned, std::vector<std::string>& warnings)
        : pool_(pool), planned_(planned), warnings_(warnings) {}

    void run() {
        workers();
        requests();
        memory();
        interval();
        schedule();
        rapid_fail();
        the_rest();
    }

private:
    std::optional<std::string> take(const std::string& key) {
        taken_.insert(key);
        const auto found = pool_.settings.find(key);
        if (found == pool_.settings.end()) return std::nullopt;
        return found->second;
    }

    void warn(const std::string& text) { warnings_.push_back("application pool '" + pool_.name + "': " + text); }

    void set(const std::string& key, const std::string& value, const std::string& source) {
        planned_.process.push_back({key, value, source});
    }

    /// How IIS wrote it: `processModel maxProcesses="2"`, or `<environmentVariables>` for a collection.
    static std::string written(const std::string& key, const std::string& value) {
        if (key.find('@') == std::string::npos) return setting_name(key);
        return setting_name(key) + "=\"" + value + "\"";
    }

    void workers() {
        const std::string key = "processModel@maxProcesses";
        const auto text = take(key);
        if (!text) return;
        const auto n = whole_number(*text);
        if (!n) {
            warn(written(key, *text) + " is not a whole number; not carried over");
        } else if (*n == 0) {
            warn(written(key, *text) + " (one worker process per NUMA node) has no equivalent: set the pool's workers");
        } else if (*n > most_workers) {
            warn(written(key, *text) + " is more than the 256 workers a pool may have: workers: 256");
            set("workers", "256", written(key, *text));
        } else {
            set("workers", std::to_string(*n), written(key, *text));
        }
    }

    void requests() {
        const std::string key = "recycling/periodicRestart@requests";
        const auto text = take(key);
        if (!text) return;
        const auto n = whole_number(*text);
        if (!n) warn(written(key, *text) + " is not a whole number; not carried over");
        else if (*n > 0) set("max_requests", std::to_string(*n), written(key, *text));
    }

    /// privateMemory is what max_rss limits best (resident memory); memory is IIS's virtual-memory
    /// limit, used only when privateMemory is not set, with a warning, as it recycles later here.
    void memory() {
        const std::string private_key = "recycling/periodicRestart@privateMemory";
        const std::string virtual_key = "recycling/periodicRestart@memory";
        const auto private_text = take(private_key);
        const auto virtual_text = take(virtual_key);
        const auto kib = [&](const std::string& key, const std::optional<std::string>& text) -> unsigned long long {
            if (!text) return 0;
            const auto n = whole_number(*text);
            if (!n) warn(written(key, *text) + " is not a whole number of KB; not carried over");
            return n.value_or(0);
        };
        const auto private_kib = kib(private_key, private_text);
        const auto virtual_kib = kib(virtual_key, virtual_text);
        if (private_kib > 0) {
            set_rss(private_kib, written(private_key, *private_text) + " KB");
            if (virtual_kib > 0) {
                warn(written(virtual_key, *virtual_text) + " (a virtual-memory limit) has no equivalent; max_rss "
                     "comes from privateMemory");
            }
        } else if (virtual_kib > 0) {
            set_rss(virtual_kib, written(virtual_key, *virtual_text) + " KB");
            warn(written(virtual_key, *virtual_text) + " limited virtual memory; max_rss limits resident memory, "
                 "which stays below it, so workers recycle later than under IIS: lower max_rss if that matters");
        }
    }

    void set_rss(unsigned long long kib, const std::string& source) {
        if (kib > largest_rss_kib) {
            warn(source + " is more than max_rss takes: max_rss: 1PiB");
            kib = largest_rss_kib;
        }
        set("max_rss", std::to_string(kib) + "KiB", source);
    }

    /// A TimeSpan for a duration key: 0 leaves the sidecar's default, more than 24h is clamped.
    void duration(const std::string& key, const std::string& yaml_key) {
        const auto text = take(key);
        if (!text) return;
        const auto span = parse_timespan(*text);
        if (!span) {
            warn(written(key, *text) + " is not a time span (d.hh:mm:ss); not carried over");
        } else if (*span == std::chrono::milliseconds(0)) {
            if (yaml_key != "recycle_interval") warn(written(key, *text) + " has no equivalent; not carried over");
        } else if (*span > longest_duration) {
            warn(written(key, *text) + " is longer than the 24h " + yaml_key + " takes: " + yaml_key + ": 24h");
            set(yaml_key, "24h", written(key, *text));
        } else {
            set(yaml_key, duration_text(*span), written(key, *text));
        }
    }

    void interval() { duration("recycling/periodicRestart@time", "recycle_interval"); }

    void schedule() {
        for (const auto& time : pool_.restart_schedule) {
            warn("the daily recycle at " + time + " (recycling/periodicRestart/schedule) has no equivalent: a "
                 "systemd timer running `systemctl reload isapi-fcgi` then replaces the workers the same way");
        }
    }

    void rapid_fail() {
        const std::string enabled_key = "failure@rapidFailProtection";
        const std::string crashes_key = "failure@rapidFailProtectionMaxCrashes";
        const auto enabled = take(enabled_key);
        if (enabled && ::strcasecmp(enabled->c_str(), "false") == 0) {
            take(crashes_key);
            take("failure@rapidFailProtectionInterval");
            set("rapid_fail.max_crashes", "0", written(enabled_key, *enabled));
            return;
        }
        if (const auto text = take(crashes_key)) {
            const auto n = whole_number(*text);
            if (!n) {
                warn(written(crashes_key, *text) + " is not a whole number; not carried over");
            } else if (*n > most_crashes) {
                warn(written(crashes_key, *text) + " is more than the 1000 rapid_fail.max_crashes takes: 1000");
                set("rapid_fail.max_crashes", "1000", written(crashes_key, *text));
            } else {
                if (*n == 0) warn(written(crashes_key, *text) + ": rapid_fail.max_crashes 0 turns the protection off");
                set("rapid_fail.max_crashes", std::to_string(*n), written(crashes_key, *text));
            }
        }
        duration("failure@rapidFailProtectionInterval", "rapid_fail.interval");
    }

    /// One warning naming every other setting of the pool; special words where there is advice.
    void the_rest() {
        std::string others;
        for (const auto& [key, value] : pool_.settings) {
            if (taken_.count(key) || needs_no_warning(key, value)) continue;
            if (key == "@queueLength") {
                warn(written(key, value) + " (requests HTTP.sys queues for the pool) has no equivalent: nginx holds "
                     "waiting requests; listen_backlog bounds the connections waiting for a worker");
            } else if (key == "processModel@idleTimeout") {
                warn(written(key, value) + " has no equivalent: the sidecar never stops idle workers");
            } else if (key == "cpu@limit") {
                warn(written(key, value) + " has no equivalent: limit CPU with systemd (CPUQuota=)");
            } else {
                const bool secret = key.find("assword") != std::string::npos;
                others += (others.empty() ? "" : ", ") + (secret ? setting_name(key) : written(key, value));
            }
        }
        if (!others.empty()) warn(others + (others.find(", ") == std::string::npos ? " has" : " have") +
                                  " no equivalent; not carried over");
    }

    const application_pool& pool_;
    planned_pool& planned_;
    std::vector<std::string>& warnings_;
    std::set<std::string> taken_;
};

}  // namespace

void plan_pool_process(const application_pool& pool, planned_pool& planned, std::vector<std::string>& warnings) {
    pool_process_planner(pool, planned, warnings).run();
}

std::optional<std::chrono::milliseconds> parse_timespan(std::string_view text) {
    const auto field = [&text](char stop) -> std::optional<unsigned long long> {
        const auto end = text.find(stop);
        const auto n = whole_number(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        return n;
    };
    unsigned long long days = 0;
    const auto dot = text.find('.');
    if (dot != std::string_view::npos && dot < text.find(':')) {
        const auto d = field('.');
        if (!d) return std::nullopt;
        days = *d;
    }
    const auto hours = field(':');
    const auto minutes = field(':');
    if (!hours || !minutes || text.empty()) return std::nullopt;
    const auto seconds_end = text.find('.');
    const auto seconds = whole_number(text.substr(0, seconds_end));
    if (!seconds || *minutes > 59 || *seconds > 59 || days > 100000 || *hours > 100000) return std::nullopt;
    unsigned long long milliseconds = 0;
    if (seconds_end != std::string_view::npos) {
        const auto fraction = text.substr(seconds_end + 1);
        if (fraction.empty() || fraction.size() > 7 || !whole_number(fraction)) return std::nullopt;
        std::string three(fraction.substr(0, 3));
        three.resize(3, '0');
        milliseconds = *whole_number(three);
    }
    return std::chrono::milliseconds((((days * 24 + *hours) * 60 + *minutes) * 60 + *seconds) * 1000 + milliseconds);
}

std::string duration_text(std::chrono::milliseconds duration) {
    const auto ms = duration.count();
    if (ms % 3600000 == 0) return std::to_string(ms / 3600000) + "h";
    if (ms % 60000 == 0) return std::to_string(ms / 60000) + "m";
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
}

}  // namespace isapi_fcgi::iis_import
