#include "iis_import/filter_plan.hpp"

#include <strings.h>

#include <algorithm>
#include <optional>
#include <set>

#include "iis_import/config_names.hpp"
#include "iis_import/config_writers.hpp"
#include "iis_import/windows_paths.hpp"

namespace isapi_fcgi::iis_import {
namespace {

bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

struct effective_filter {
    std::string name;
    std::string windows_path;
    bool enabled = true;
};

class filter_planner {
public:
    filter_planner(const iis_config& config, const import_options& options, import_plan& plan)
        : config_(config), options_(options), plan_(plan) {}

    void run() {
        for (auto& pool : plan_.pools) assign(pool);
        warn_sites_without_pool();
    }

private:
    void warn(std::string text) {
        if (std::find(plan_.warnings.begin(), plan_.warnings.end(), text) == plan_.warnings.end())
            plan_.warnings.push_back(std::move(text));
    }

    /// The site a section applies to: "" for the server's (or a web.config's own) section; nullopt
    /// for a location below a site, where IIS does not read filters.
    std::optional<std::string> section_site(const filter_section& section) {
        if (section.location.empty()) return std::string();
        if (config_.application_host && section.location.find('/') == std::string::npos) return section.location;
        warn("isapiFilters under location '" + section.location + "' are not carried over: IIS loads filters "
             "for the server and for whole sites only");
        return std::nullopt;
    }

    /// The filters IIS loads for `site` (""  = a web.config's application): the server's list, then
    /// the site's, with <clear/> and <remove> applied, in order.
    std::vector<effective_filter> effective(const std::string& site) {
        std::vector<effective_filter> list;
        for (const bool global_pass : {true, false}) {
            for (const auto& section : config_.filters) {
                const auto applies_to = section_site(section);
                if (!applies_to) continue;
                if (global_pass != applies_to->empty()) continue;
                if (!global_pass && !iequal(*applies_to, site)) continue;
                apply(section, list);
            }
            if (!config_.application_host) break;  // a web.config's sections are its own
        }
        return list;
    }

    void apply(const filter_section& section, std::vector<effective_filter>& list) {
        for (const auto& step : section.steps) {
            const auto same_name = [&](const effective_filter& f) { return iequal(f.name, step.name); };
            switch (step.what) {
            case filter_section::step::kind::clear: list.clear(); break;
            case filter_section::step::kind::remove: std::erase_if(list, same_name); break;
            case filter_section::step::kind::add:
                if (std::any_of(list.begin(), list.end(), same_name)) {
                    warn("ISAPI filter '" + step.name + "' is listed twice; IIS refuses the duplicate, the "
                         "first entry is kept");
                    break;
                }
                list.push_back({step.name, step.path, step.enabled});
                break;
            }
        }
    }

    /// The IIS sites whose requests reach `pool`, in the file's order.
    std::vector<std::string> sites_of(const planned_pool& pool) const {
        std::set<std::string> used;
        for (const auto& e : pool.extensions)
            for (const auto& s : e.url_sites) used.insert(s);
        for (const auto& m : pool.script_maps) used.insert(m.site);
        if (!config_.application_host) return {""};
        std::vector<std::string> ordered;
        for (const auto& s : config_.sites)
            if (used.count(s.name)) ordered.push_back(s.name);
        return ordered;
    }

    void assign(planned_pool& pool) {
        const auto sites = sites_of(pool);
        std::vector<effective_filter> merged;
        std::vector<std::string> first_names;
        for (std::size_t i = 0; i < sites.size(); ++i) {
            const auto list = effective(sites[i]);
            std::vector<std::string> names;
            for (const auto& f : list) names.push_back(f.name);
            if (i == 0) first_names = names;
            else if (names != first_names)
                warn("pool '" + pool.name + "' serves sites '" + sites[0] + "' and '" + sites[i] + "', whose ISAPI "
                     "filters differ; isapi-fcgi loads filters per pool, so both sites' requests go through all of them");
            for (const auto& f : list) {
                if (std::none_of(merged.begin(), merged.end(), [&](const auto& m) { return iequal(m.name, f.name); }))
                    merged.push_back(f);
            }
        }
        std::set<std::string> taken;
        for (const auto& f : merged) {
            if (!f.enabled) {
                warn("ISAPI filter '" + f.name + "' is disabled (enabled=\"false\"): not imported");
                continue;
            }
            if (f.windows_path.empty()) {
                warn("ISAPI filter '" + f.name + "' has no path: not imported");
                continue;
            }
            planned_filter planned;
            planned.windows_path = f.windows_path;
            const std::string wanted = f.name.empty() ? file_name(f.windows_path) : f.name;
            planned.name = unique_name(sanitise(wanted), taken);
            if (planned.name != wanted)
                warn("ISAPI filter '" + wanted + "' is named '" + planned.name + "' here (names are 1 to 64 of "
                     "A-Z a-z 0-9 _ . -, unique in the pool)");
            const auto mapped = map_windows_path(f.windows_path, options_.maps, options_.default_root);
            if (!mapped.unknown_variable.empty())
                warn("%" + mapped.unknown_variable + "% in '" + f.windows_path + "' is not known: set the path with --map");
            if (mapped.defaulted) warn("'" + f.windows_path + "' is not under any --map directory: placed at " + mapped.path);
            planned.path = dll_to_so(mapped.path);
            pool.filters.push_back(std::move(planned));
        }
        for (const auto& s : sites) served_sites_.insert(s);
    }

    void warn_sites_without_pool() {
        if (!config_.application_host) return;
        for (const auto& s : config_.sites) {
            if (!options_.site.empty() && !iequal(s.name, options_.site)) continue;
            if (served_sites_.count(s.name)) continue;
            const auto list = effective(s.name);
            if (list.empty()) continue;
            std::string names;
            for (const auto& f : list) names += (names.empty() ? "'" : ", '") + f.name + "'";
            warn("site '" + s.name + "' has ISAPI filters (" + names + ") but no ISAPI extension, so no pool is "
                 "planned for it: to run them on what nginx serves, add a pool with these filters and protect the "
                 "site's locations with conf/nginx/isapi-fcgi-auth.conf (docs/front-ends.md)");
        }
    }

    const iis_config& config_;
    const import_options& options_;
    import_plan& plan_;
    std::set<std::string> served_sites_;
};

}  // namespace

void plan_filters(const iis_config& config, const import_options& options, import_plan& plan) {
    filter_planner(config, options, plan).run();
}

std::string filters_yaml(const planned_pool& pool) {
    if (pool.filters.empty()) return {};
    std::string out = "    # IIS <isapiFilters>: the server's filters, then the site's, in IIS's order (each filter's\n"
                      "    # GetFilterVersion priority still comes first)\n"
                      "    filters:\n";
    for (const auto& f : pool.filters) {
        out += "      - name: " + yaml_quoted(f.name) + "\n";
        out += "        path: " + yaml_quoted(f.path) + "   # was " + comment_text(f.windows_path) + "\n";
    }
    return out;
}

}  // namespace isapi_fcgi::iis_import
