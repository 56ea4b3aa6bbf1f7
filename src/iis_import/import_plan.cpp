#include "iis_import/import_plan.hpp"

#include "iis_import/config_names.hpp"
#include "iis_import/filter_plan.hpp"
#include "iis_import/pool_plan.hpp"

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

namespace isapi_fcgi::iis_import {
namespace {

bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool icontains(std::string_view text, std::string_view word) {
    if (word.size() > text.size()) return false;
    for (std::size_t i = 0; i + word.size() <= text.size(); ++i) {
        if (iequal(text.substr(i, word.size()), word)) return true;
    }
    return false;
}

/// IIS handler path patterns: '*' matches any run of characters, case-insensitively.
bool wildcard_match(std::string_view pattern, std::string_view name) {
    if (pattern.empty()) return name.empty();
    if (pattern.front() == '*') {
        for (std::size_t i = 0; i <= name.size(); ++i) {
            if (wildcard_match(pattern.substr(1), name.substr(i))) return true;
        }
        return false;
    }
    return !name.empty()
           && ::tolower(static_cast<unsigned char>(pattern.front())) == ::tolower(static_cast<unsigned char>(name.front()))
           && wildcard_match(pattern.substr(1), name.substr(1));
}

/// "/" + "/scripts" -> "/scripts"; "/app" + "/" -> "/app".
std::string join_url(const std::string& a, const std::string& b) {
    std::string left = a == "/" ? "" : a;
    while (!left.empty() && left.back() == '/') left.pop_back();
    std::string right = b;
    if (right.empty() || right == "/") return left.empty() ? "/" : left;
    if (right.front() != '/') right = "/" + right;
    while (right.size() > 1 && right.back() == '/') right.pop_back();
    return left + right;
}

/// False for a URL the sidecar's configuration cannot hold: one not starting with '/' (an
/// application path="app"), with a space or control character (IIS allows "/my scripts"), '?',
/// or '%' and '\\', which url_map refuses in configured paths.
bool configurable_url(const std::string& url) {
    return url.starts_with('/') && std::none_of(url.begin(), url.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte <= ' ' || byte == 0x7f || c == '?' || c == '%' || c == '\\';
    });
}

/// The script map paths the sidecar takes: "*" or "*.ext" (IIS also has "app*.dll", "x.y").
bool configurable_script_map_path(const std::string& path) {
    if (path == "*") return true;
    return path.size() > 2 && path.starts_with("*.") && path.find_first_of("*/\\?", 1) == std::string::npos;
}

/// The methods a script map of the sidecar's configuration takes.
bool configurable_verb(const std::string& verb) {
    return !verb.empty() && std::all_of(verb.begin(), verb.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
    });
}

/// True when URL path `prefix` is `url` or an ancestor of it on whole segments (any case).
bool url_under(const std::string& url, const std::string& prefix) {
    if (prefix == "/" || prefix.empty()) return true;
    return url.size() >= prefix.size() && iequal(std::string_view(url).substr(0, prefix.size()), prefix)
           && (url.size() == prefix.size() || url[prefix.size()] == '/');
}

/// A site-relative location: where a handler section applies.
struct scope {
    std::string site;
    std::string url;       ///< URL prefix of the virtual directory
    std::string physical;  ///< its Windows directory
    std::string pool;
};

class planner {
public:
    planner(const iis_config& config, const import_options& options) : config_(config), options_(options) {}

    import_plan run() {
        collect_scopes();
        plan_direct_dlls();
        plan_script_maps();
        report_dlls();
        finish_pools();
        plan_servers();
        if (std::none_of(plan_.pools.begin(), plan_.pools.end(),
                         [](const auto& p) { return !p.extensions.empty() || !p.script_maps.empty(); })) {
            plan_.warnings.push_back("no ISAPI extension was found: the configuration maps no DLL to "
                                     "IsapiModule that IIS would run");
        }
        return std::move(plan_);
    }

private:
    /// Location path of a handler section, split into site and URL ("" site: any site).
    std::pair<std::string, std::string> split_location(const std::string& location) const {
        if (!config_.application_host) {
            return {"", join_url(options_.url_prefix, location.empty() ? "/" : "/" + location)};
        }
        const auto slash = location.find('/');
        const std::string site = slash == std::string::npos ? location : location.substr(0, slash);
        const std::string url = slash == std::string::npos ? "/" : join_url("/", location.substr(slash));
        return {site, url};
    }

    /// The handlers in force for `url` of `site`, most general section first.
    std::vector<handler> effective_handlers(const std::string& site, const std::string& url,
                                            std::string& access_policy) const {
        std::vector<const handler_section*> sections;
        for (const auto& section : config_.handlers) {
            if (section.location.empty()) {
                sections.push_back(&section);
                continue;
            }
            const auto [s, prefix] = split_location(section.location);
            if ((s.empty() || iequal(s, site)) && url_under(url, prefix)) sections.push_back(&section);
        }
        // General to specific: the global section, then locations by the length of their URL.
        const auto rank = [this](const handler_section* section) -> long {
            return section->location.empty() ? -1 : static_cast<long>(split_location(section->location).second.size());
        };
        std::stable_sort(sections.begin(), sections.end(),
                         [&rank](const auto* a, const auto* b) { return rank(a) < rank(b); });
        std::vector<handler> handlers;
        access_policy = "Read, Script";
        for (const auto* section : sections) {
            if (!section->access_policy.empty()) access_policy = section->access_policy;
            // IIS puts a lower level's <add> entries before the inherited ones (the handlers
            // collection is not merge-appended): a web.config's "orders.dll" handler is matched
            // before the server's "*.dll".
            std::vector<handler> added;
            for (const auto& step : section->steps) {
                const auto same_name = [&](const handler& h) { return iequal(h.name, step.entry.name); };
                switch (step.what) {
                    case handler_section::step::kind::clear:
                        handlers.clear();
                        added.clear();
                        break;
                    case handler_section::step::kind::remove:
                        std::erase_if(handlers, same_name);
                        std::erase_if(added, same_name);
                        break;
                    case handler_section::step::kind::add:
                        std::erase_if(handlers, same_name);
                        std::erase_if(added, same_name);
                        added.push_back(step.entry);
                        break;
                }
            }
            handlers.insert(handlers.begin(), added.begin(), added.end());
        }
        return handlers;
    }

    static bool allows(const std::string& policy, const std::string& require) {
        if (iequal(require, "None") || iequal(require, "Read")) return true;
        if (iequal(require, "Execute")) return icontains(policy, "Execute");
        if (iequal(require, "Script")) return icontains(policy, "Script") || icontains(policy, "Execute");
        return icontains(policy, require);
    }

    /// Why isapiCgiRestriction keeps IIS from running `dll`, or nullopt when it lets it run.
    std::optional<std::string> restriction_refusal(const std::string& dll) const {
        std::string ignored;
        const std::string wanted = expand_variables(dll, ignored);
        const auto same = [&](const restriction& r) {
            std::string unknown;
            const std::string listed = expand_variables(r.path, unknown);
            return windows_path_under(wanted, listed) && windows_path_under(listed, wanted);
        };
        for (const auto& r : config_.restrictions) {
            if (!r.allowed && (same(r) || windows_path_under(wanted, expand_variables(r.path, ignored)))) return refusal(r);
        }
        if (!config_.restriction_list_present || config_.not_listed_isapis_allowed) return std::nullopt;
        if (std::any_of(config_.restrictions.begin(), config_.restrictions.end(),
                        [&](const restriction& r) { return r.allowed && same(r); })) {
            return std::nullopt;
        }
        return "is not listed in isapiCgiRestriction, which lets no other DLL run (notListedIsapisAllowed=\"false\"): "
               "IIS does not run it";
    }

    static std::string refusal(const restriction& r) {
        return "is refused by isapiCgiRestriction (allowed=\"false\"" +
               (r.description.empty() ? std::string() : ", '" + r.description + "'") + "): IIS does not run it";
    }

    /// What the import did not carry over for one DLL, gathered so that the DLL gets one warning
    /// (refused here, imported there, its handler's verbs...), not several that contradict.
    struct dll_report {
        std::string key;  ///< expanded, lower case, '\\' separators
        std::string dll;  ///< as IIS wrote it first
        std::vector<std::string> notes;
        bool left_out = false;  ///< a note says some URL of it is not imported
        std::optional<std::string> refused;
    };

    static std::string dll_key(const std::string& dll) {
        std::string unknown;
        std::string key = expand_variables(dll, unknown);
        for (auto& c : key) c = c == '/' ? '\\' : static_cast<char>(::tolower(static_cast<unsigned char>(c)));
        return key;
    }

    dll_report& report_for(const std::string& dll) {
        const std::string key = dll_key(dll);
        for (auto& r : dll_reports_) {
            if (r.key == key) return r;
        }
        dll_reports_.push_back({key, dll, {}, false, std::nullopt});
        return dll_reports_.back();
    }

    void note_dll(const std::string& dll, const std::string& note, bool left_out) {
        auto& r = report_for(dll);
        if (std::find(r.notes.begin(), r.notes.end(), note) == r.notes.end()) r.notes.push_back(note);
        r.left_out = r.left_out || left_out;
    }

    bool imported(const std::string& key) const {
        for (const auto& p : plan_.pools) {
            for (const auto* list : {&p.extensions, &p.script_map_only}) {
                for (const auto& e : *list) {
                    if (dll_key(e.windows_path) == key) return true;
                }
            }
        }
        return false;
    }

    /// One warning per DLL: a refused one is only refused; otherwise its notes, then whether it
    /// was imported for the URLs IIS did run it at.
    void report_dlls() {
        for (const auto& r : dll_reports_) {
            const bool in_plan = imported(r.key);
            if (r.refused && !in_plan) {
                plan_.warnings.push_back("'" + r.dll + "' " + *r.refused + "; not imported");
                continue;
            }
            std::string text = "'" + r.dll + "': ";
            for (std::size_t i = 0; i < r.notes.size(); ++i) text += (i ? "; " : "") + r.notes[i];
            if (r.left_out) text += in_plan ? "; imported for the URLs IIS ran it at" : "; not imported";
            plan_.warnings.push_back(std::move(text));
        }
    }

    void collect_scopes() {
        if (!config_.application_host) {
            scopes_.push_back({"", options_.url_prefix, options_.physical_dir, "default"});
            return;
        }
        bool matched_site = options_.site.empty();
        for (const auto& s : config_.sites) {
            if (!options_.site.empty() && !iequal(s.name, options_.site)) continue;
            matched_site = true;
            for (const auto& app : s.applications) {
                for (const auto& dir : app.directories) {
                    scopes_.push_back({s.name, join_url(app.path, dir.path), dir.physical_path, app.pool});
                }
            }
        }
        if (!matched_site) plan_.warnings.push_back("no site named '" + options_.site + "' in the file");
    }

    planned_pool& pool(const std::string& iis_pool) {
        for (auto& p : plan_.pools) {
            if (p.name == pool_names_[iis_pool]) return p;
        }
        planned_pool p;
        if (pool_names_[iis_pool].empty()) pool_names_[iis_pool] = unique_name(sanitise(iis_pool), taken_pools_);
        p.name = pool_names_[iis_pool];
        std::string dir = options_.socket_dir;
        while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
        p.listen = "unix:" + dir + "/" + p.name + ".sock";
        if (p.listen.size() - 5 > 107) {
            plan_.warnings.push_back("socket path for pool '" + p.name + "' is longer than 107 bytes: choose a "
                                     "shorter --socket-dir");
        }
        plan_.pools.push_back(std::move(p));
        return plan_.pools.back();
    }

    std::string linux_path(const std::string& windows) {
        const auto mapped = map_windows_path(windows, options_.maps, options_.default_root);
        if (!mapped.unknown_variable.empty()) {
            plan_.warnings.push_back("%" + mapped.unknown_variable + "% in '" + windows +
                                     "' is not known: set the path with --map");
        }
        if (mapped.defaulted && warned_default_.insert(windows).second) {
            plan_.warnings.push_back("'" + windows + "' is not under any --map directory: placed at " + mapped.path);
        }
        return mapped.path;
    }

    planned_extension& extension_for(planned_pool& p, std::vector<planned_extension>& list,
                                     const std::string& windows_dll) {
        for (auto& e : p.extensions) {
            if (iequal(e.windows_path, windows_dll)) return e;
        }
        for (auto it = p.script_map_only.begin(); it != p.script_map_only.end(); ++it) {
            if (!iequal(it->windows_path, windows_dll)) continue;
            if (&list == &p.script_map_only) return *it;
            // Reached by a URL of its own after all: an ordinary extension.
            list.push_back(std::move(*it));
            p.script_map_only.erase(it);
            return list.back();
        }
        planned_extension e;
        auto& taken = taken_extensions_[p.name];
        std::string stem = file_name(windows_dll);
        if (const auto dot = stem.rfind('.'); dot != std::string::npos && dot > 0) stem.resize(dot);
        e.name = unique_name(sanitise(stem), taken);
        e.windows_path = windows_dll;
        e.path = dll_to_so(linux_path(windows_dll));
        run_under_wine_when_only_the_dll_exists(e, linux_path(windows_dll));
        list.push_back(std::move(e));
        return list.back();
    }

    /// A DLL copied over unmodified (no rebuilt .so beside it) is served as it is, under Wine.
    void run_under_wine_when_only_the_dll_exists(planned_extension& e, const std::string& dll) {
        std::error_code ec;
        if (dll == e.path || std::filesystem::exists(e.path, ec) || !std::filesystem::is_regular_file(dll, ec)) return;
        e.path = dll;
        e.wine = true;
        plan_.warnings.push_back("'" + e.windows_path + "': no " + dll_to_so(dll) + " was found but the DLL is at " +
                                 dll + ": it runs unmodified under Wine (runtime: wine, docs/wine.md)");
    }

    /// `dll` at `url` of scope `s` (IIS ran it there through handler `handler_name`); false when
    /// the configuration cannot hold the URL.
    bool add_url(const scope& s, const std::string& handler_name, const std::string& verb, const std::string& dll,
                 const std::string& url) {
        if (verb != "*") {
            note_dll(dll, "handler '" + handler_name + "' allows only the verbs " + verb + " for " + url +
                              "; isapi-fcgi passes every verb to the extension", false);
        }
        if (!configurable_url(url)) {
            note_dll(dll, "'" + url + "': isapi-fcgi takes a URL path starting with '/' and without space, control "
                          "character, '?', '%' or '\\'", true);
            return false;
        }
        auto& p = pool(s.pool);
        note_site(p, s.site);
        auto& e = extension_for(p, p.extensions, dll);
        if (std::find(e.urls.begin(), e.urls.end(), url) == e.urls.end()) {
            e.urls.push_back(url);
            e.url_sites.push_back(s.site);
        }
        sites_with_extensions_.insert(s.site);
        return true;
    }

    static void note_site(planned_pool& p, const std::string& site) {
        if (p.site.empty() || p.site == site) p.site = site;
        else p.site = "\n";  // several sites
    }

    void plan_direct_dlls() {
        if (config_.not_listed_isapis_allowed) {
            plan_.warnings.push_back("isapiCgiRestriction notListedIsapisAllowed=\"true\": IIS runs any DLL in an "
                                     "Execute directory; only the DLLs listed in isapiCgiRestriction were imported");
        }
        bool any_dll_handler = false;
        for (const auto& r : config_.restrictions) {
            const std::string dll = r.path;
            if (file_name(dll).size() < 4 || !iequal(file_name(dll).substr(file_name(dll).size() - 4), ".dll")) continue;
            if (!r.allowed) {
                report_for(dll).refused = refusal(r);
                continue;
            }
            std::string unknown;
            const std::string expanded = expand_variables(dll, unknown);
            // The most specific virtual directory holding the DLL, per site.
            std::map<std::string, const scope*> best;
            for (const auto& s : scopes_) {
                std::string ignored;
                const std::string physical = expand_variables(s.physical, ignored);
                if (physical.empty() || !windows_path_under(expanded, physical)) continue;
                auto& slot = best[s.site];
                if (slot == nullptr || physical.size() > expand_variables(slot->physical, ignored).size()) slot = &s;
            }
            bool served = false;
            for (const auto& [site, s] : best) {
                std::string ignored;
                const std::string relative = windows_relative(expanded, expand_variables(s->physical, ignored));
                const std::string url = join_url(s->url, "/" + relative);
                const std::string dir_url = url.substr(0, url.rfind('/') == 0 ? 1 : url.rfind('/'));
                std::string policy;
                const auto handlers = effective_handlers(site, dir_url, policy);
                const auto first = std::find_if(handlers.begin(), handlers.end(), [&](const handler& h) {
                    return wildcard_match(h.path, file_name(dll)) && (h.verb == "*" || icontains(h.verb, "GET") || icontains(h.verb, "POST"));
                });
                if (first == handlers.end() || !icontains(first->modules, "IsapiModule") || !first->script_processor.empty()) {
                    continue;
                }
                any_dll_handler = true;
                if (!allows(policy, first->require_access)) {
                    note_dll(dll, "IIS does not run it at " + url + ": handler '" + first->name + "' requires " +
                                      first->require_access + " but accessPolicy is '" + policy + "'", true);
                    continue;
                }
                served = add_url(*s, first->name, first->verb, dll, url) || served;
            }
            if (!served && !is_script_processor(dll)) {
                note_dll(dll, "allowed in isapiCgiRestriction, but no virtual directory with an IsapiModule handler for "
                              "it holds it", true);
            }
        }
        if (!any_dll_handler && !config_.restriction_list_present) {
            for (const auto& section : config_.handlers) {
                for (const auto& step : section.steps) {
                    if (step.what == handler_section::step::kind::add && icontains(step.entry.modules, "IsapiModule")
                        && step.entry.script_processor.empty()) {
                        plan_.warnings.push_back("handler '" + step.entry.name + "' runs DLLs by URL (" + step.entry.path +
                                                 ") but no isapiCgiRestriction lists them: add each DLL to the YAML by "
                                                 "hand (extensions: name, path, urls)");
                        return;
                    }
                }
            }
        }
    }

    bool is_script_processor(const std::string& dll) const {
        for (const auto& section : config_.handlers) {
            for (const auto& step : section.steps) {
                if (step.what == handler_section::step::kind::add && windows_path_under(step.entry.script_processor, dll)
                    && windows_path_under(dll, step.entry.script_processor)) {
                    return true;
                }
            }
        }
        return false;
    }

    void plan_script_maps() {
        std::set<std::string> seen;
        // Shortest prefixes first, so an inherited mapping is recorded once, where it starts.
        std::vector<const scope*> ordered;
        for (const auto& s : scopes_) ordered.push_back(&s);
        std::stable_sort(ordered.begin(), ordered.end(), [](const scope* a, const scope* b) { return a->url.size() < b->url.size(); });
        for (const scope* s : ordered) {
            std::string policy;
            for (const auto& h : effective_handlers(s->site, s->url, policy)) {
                if (!icontains(h.modules, "IsapiModule") || h.script_processor.empty()) continue;
                std::string unknown;
                const std::string key = s->site + "\n" + expand_variables(h.script_processor, unknown) + "\n" + h.path;
                bool inherited = false;
                for (const auto& earlier : seen) {
                    if (earlier.rfind(key + "\n", 0) == 0 && url_under(s->url, earlier.substr(key.size() + 1))) inherited = true;
                }
                if (inherited) continue;
                seen.insert(key + "\n" + s->url);
                const std::string& dll = h.script_processor;
                if (const auto refused = restriction_refusal(dll)) {
                    report_for(dll).refused = *refused;
                    continue;
                }
                if (!allows(policy, h.require_access)) {
                    note_dll(dll, "script map '" + h.name + "' at " + s->url + " requires " + h.require_access +
                                      " but accessPolicy is '" + policy + "'", true);
                    continue;
                }
                // A handler for one name ("orders.dll" -> ...\orders.dll) is a URL of the DLL's own.
                if (h.path.find('*') == std::string::npos) {
                    add_url(*s, h.name, h.verb, dll, join_url(s->url, "/" + h.path));
                    continue;
                }
                if (!configurable_script_map_path(h.path)) {
                    note_dll(dll, "script map '" + h.name + "' has the path '" + h.path + "': isapi-fcgi takes only "
                                  "\"*.ext\" or \"*\"", true);
                    continue;
                }
                if (!configurable_url(s->url)) {
                    note_dll(dll, "script map '" + h.name + "' at '" + s->url + "': isapi-fcgi takes a URL path "
                                  "starting with '/' and without space, control character, '?', '%' or '\\'", true);
                    continue;
                }
                std::vector<std::string> verbs;
                if (h.verb != "*") {
                    const std::string& list = h.verb;
                    std::size_t start = 0;
                    while (start <= list.size()) {
                        auto comma = list.find(',', start);
                        std::string verb = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
                        verb.erase(0, verb.find_first_not_of(' '));
                        verb.erase(verb.find_last_not_of(' ') + 1);
                        if (!verb.empty()) verbs.push_back(verb);
                        if (comma == std::string::npos) break;
                        start = comma + 1;
                    }
                }
                // Dropping only the odd verb would widen the map (no verbs means all of them).
                const auto odd = std::find_if_not(verbs.begin(), verbs.end(), configurable_verb);
                if (odd != verbs.end()) {
                    note_dll(dll, "script map '" + h.name + "' has the verb '" + *odd + "': isapi-fcgi takes methods of "
                                  "letters, '-' and '_'", true);
                    continue;
                }
                auto& p = pool(s->pool);
                note_site(p, s->site);
                auto& e = extension_for(p, p.script_map_only, h.script_processor);
                p.script_maps.push_back({e.name, h.path, s->url, std::move(verbs), s->site});
                script_sites_.insert(s->site);
            }
        }
    }

    void finish_pools() {
        // Script-map-only extensions that also serve URLs directly are ordinary extensions.
        for (auto& p : plan_.pools) {
            std::erase_if(p.script_map_only, [&](const planned_extension& e) {
                return std::any_of(p.extensions.begin(), p.extensions.end(),
                                   [&](const planned_extension& x) { return x.name == e.name; });
            });
            if (p.site == "\n") {
                p.site.clear();
                plan_.warnings.push_back("pool '" + p.name + "' serves several sites: it has one document_root, "
                                         "which is left unset; set it by hand");
            }
        }
        for (const auto& names : pool_names_) {  // (clang 14 cannot capture structured bindings)
            const auto definition = std::find_if(config_.pools.begin(), config_.pools.end(),
                                                 [&](const application_pool& d) { return iequal(d.name, names.first); });
            const auto planned = std::find_if(plan_.pools.begin(), plan_.pools.end(),
                                              [&](const planned_pool& x) { return x.name == names.second; });
            if (definition != config_.pools.end() && planned != plan_.pools.end()) {
                plan_pool_process(*definition, *planned, plan_.warnings);
            }
        }
        std::map<std::string, const web_server_settings*> by_site;  // "" = global
        for (const auto& w : config_.settings) {
            const auto [site, url] = split_location(w.location);
            // A web.config's own settings are its application's, which is the whole pool.
            if (w.location.empty() || url == "/" || url.empty()) by_site[w.location.empty() ? "" : site] = &w;
            else plan_.warnings.push_back("settings under location '" + w.location + "' (request limits, read-ahead) "
                                          "apply to part of a site only; not carried over");
        }
        for (auto& p : plan_.pools) {
            const web_server_settings* global = by_site.count("") ? by_site[""] : nullptr;
            const web_server_settings* own = !p.site.empty() && by_site.count(p.site) ? by_site[p.site] : nullptr;
            unsigned long long length = iis_default_max_content_length;
            unsigned long long ahead = 0;
            for (const auto* w : {global, own}) {
                if (w == nullptr) continue;
                if (w->max_allowed_content_length) length = w->max_allowed_content_length;
                if (w->upload_read_ahead) ahead = w->upload_read_ahead;
            }
            p.max_request_body = length;
            if (ahead > max_upload_read_ahead) {
                plan_.warnings.push_back("uploadReadAheadSize " + std::to_string(ahead) + " exceeds isapi-fcgi's limit; "
                                         "pool '" + p.name + "' uses 16MiB");
                ahead = max_upload_read_ahead;
            }
            p.upload_read_ahead = ahead;
            if (!p.site.empty() || !config_.application_host) {
                for (const auto& s : scopes_) {
                    if (s.site == p.site && s.url == "/" && !s.physical.empty()) p.document_root = linux_path(s.physical);
                }
            }
        }
    }

    void plan_servers() {
        for (const auto& s : config_.sites) {
            if (!sites_with_extensions_.count(s.name) && !script_sites_.count(s.name)) continue;
            planned_server server;
            server.site = s.name;
            for (const auto& b : s.bindings) {
                if (!iequal(b.protocol, "http") && !iequal(b.protocol, "https")) {
                    plan_.warnings.push_back("binding protocol '" + b.protocol + "' of site '" + s.name + "' is not HTTP; skipped");
                    continue;
                }
                const std::string& info = b.information;
                const auto last = info.rfind(':');
                const auto middle = last == std::string::npos || last == 0 ? std::string::npos : info.rfind(':', last - 1);
                if (middle == std::string::npos) {
                    plan_.warnings.push_back("binding '" + info + "' of site '" + s.name + "' is not ip:port:host; skipped");
                    continue;
                }
                const std::string ip = info.substr(0, middle);
                const std::string port = info.substr(middle + 1, last - middle - 1);
                const std::string host = info.substr(last + 1);
                // What nginx's listen and server_name take as they are: nothing from the file may
                // end a directive (a ';', a space or a newline in bindingInformation).
                const auto only = [](const std::string& text, std::string_view allowed) {
                    return std::all_of(text.begin(), text.end(), [&](char c) {
                        return std::isalnum(static_cast<unsigned char>(c)) || allowed.find(c) != std::string_view::npos;
                    });
                };
                if (port.empty() || !only(port, "") || !only(ip, ".:[]*") || !only(host, ".-_*")) {
                    plan_.warnings.push_back("binding '" + info + "' of site '" + s.name + "' is not ip:port:host as "
                                             "nginx takes them; skipped");
                    continue;
                }
                const std::string listen = (ip == "*" || ip.empty()) ? port : ip + ":" + port;
                if (iequal(b.protocol, "http")) {
                    if (std::find(server.listens.begin(), server.listens.end(), listen) == server.listens.end())
                        server.listens.push_back(listen);
                } else if (iequal(b.protocol, "https")) {
                    server.tls_listens.push_back(listen);
                    plan_.warnings.push_back("https binding " + info + " of site '" + s.name + "': the certificate is not "
                                             "carried over; set ssl_certificate and ssl_certificate_key in nginx");
                }
                if (!host.empty() && std::find(server.server_names.begin(), server.server_names.end(), host) == server.server_names.end())
                    server.server_names.push_back(host);
            }
            add_locations(server, s.name);
            add_static_files(server, s.name);
            plan_.servers.push_back(std::move(server));
        }
        if (!config_.application_host) {
            planned_server server;
            server.listens.push_back("80");
            add_locations(server, "");
            add_static_files(server, "");
            if (!server.locations.empty()) plan_.servers.push_back(std::move(server));
        }
    }

    /// nginx serves the site's static files, as IIS's StaticFileModule did: `root` from the
    /// site's "/" directory, an alias for each virtual directory that is not below it.
    void add_static_files(planned_server& server, const std::string& site) {
        std::string root_windows;
        for (const auto& s : scopes_) {
            if (s.site == site && s.url == "/" && !s.physical.empty()) root_windows = s.physical;
        }
        if (!root_windows.empty()) server.root = nginx_path(linux_path(root_windows), site);
        for (const auto& s : scopes_) {
            if (s.site != site || s.url == "/" || s.physical.empty()) continue;
            if (below_its_parent(s)) continue;  // root or the parent's alias serves it
            // A URL nginx could not take as it is (warned about with its DLLs, if it has any).
            if (!configurable_url(s.url) || s.url.find('"') != std::string::npos) continue;
            std::string directory = nginx_path(linux_path(s.physical), site);
            if (directory.empty()) continue;
            if (directory.back() != '/') directory += '/';
            server.aliases.emplace_back(s.url + "/", directory);
        }
    }

    /// True when the nearest enclosing virtual directory of `s` holds it at the same relative place
    /// (/shop/bin in D:\\Shop\\bin below /shop in D:\\Shop).
    bool below_its_parent(const scope& s) const {
        const scope* parent = nullptr;
        for (const auto& other : scopes_) {
            if (other.site != s.site || other.url.size() >= s.url.size() || !url_under(s.url, other.url)) continue;
            if (parent == nullptr || other.url.size() > parent->url.size()) parent = &other;
        }
        if (parent == nullptr || parent->physical.empty()) return false;
        std::string relative = s.url.substr(parent->url == "/" ? 1 : parent->url.size() + 1);
        std::replace(relative.begin(), relative.end(), '/', '\\');
        std::string ignored;
        return iequal(expand_variables(s.physical, ignored), expand_variables(parent->physical, ignored) + "\\" + relative);
    }

    /// `path` when nginx can take it in a quoted string (no '$' variable, quote, backslash or control
    /// character), else "" with a warning.
    std::string nginx_path(const std::string& path, const std::string& site) {
        const bool plain = std::none_of(path.begin(), path.end(), [](char c) {
            const auto byte = static_cast<unsigned char>(c);
            return byte < ' ' || byte == 0x7f || c == '$' || c == '"' || c == '\\' || c == '{' || c == '}' || c == ';';
        });
        if (plain && path.starts_with('/')) return path;
        plan_.warnings.push_back("the directory '" + path + "' of site '" + site + "' cannot be written into nginx's "
                                 "configuration as it is; its static files are not served: add root or alias by hand");
        return "";
    }

    void add_locations(planned_server& server, const std::string& site) {
        for (const auto& p : plan_.pools) {
            bool used = false;
            for (const auto& e : p.extensions) {
                for (std::size_t i = 0; i < e.urls.size(); ++i) {
                    if (e.url_sites[i] != site) continue;
                    server.locations.push_back({e.urls[i], "", upstream_name(p.name), false});
                    used = true;
                }
            }
            for (const auto& m : p.script_maps) {
                if (m.site != site) continue;
                server.locations.push_back({m.url_prefix, m.pattern, upstream_name(p.name), true});
                used = true;
            }
            if (used) server.max_body = std::max(server.max_body, p.max_request_body);
        }
    }

    const iis_config& config_;
    const import_options& options_;
    import_plan plan_;
    std::vector<scope> scopes_;
    std::map<std::string, std::string> pool_names_;
    std::set<std::string> taken_pools_;
    std::map<std::string, std::set<std::string>> taken_extensions_;
    std::set<std::string> warned_default_;
    std::set<std::string> sites_with_extensions_;
    std::set<std::string> script_sites_;
    std::vector<dll_report> dll_reports_;
};

}  // namespace

std::string upstream_name(const std::string& pool) {
    std::string name = "isapi_";
    for (const char c : pool) name += (c == '-' || c == '.') ? '_' : c;
    return name;
}

import_plan plan_import(const iis_config& config, const import_options& options) {
    auto plan = planner(config, options).run();
    plan_filters(config, options, plan);
    return plan;
}

}  // namespace isapi_fcgi::iis_import
