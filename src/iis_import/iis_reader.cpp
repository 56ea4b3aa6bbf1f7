#include "iis_import/iis_reader.hpp"

#include "iis_import/filter_reader.hpp"
#include "iis_import/pool_reader.hpp"

#include <strings.h>

#include <algorithm>
#include <charconv>
#include <set>

#include <pugixml.hpp>

namespace isapi_fcgi::iis_import {
namespace {

bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool truthy(const pugi::xml_attribute& a) {
    return iequal(a.as_string(), "true");
}

unsigned long long number(const pugi::xml_attribute& a) {
    unsigned long long value = 0;
    const std::string_view text = a.as_string();
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

// 1-based line of a node, for messages.
std::size_t line_of(std::string_view text, std::ptrdiff_t offset) {
    if (offset < 0) return 0;
    return static_cast<std::size_t>(std::count(text.begin(), text.begin() + std::min<std::ptrdiff_t>(offset, static_cast<std::ptrdiff_t>(text.size())), '\n')) + 1;
}

class reader {
public:
    explicit reader(read_result& out) : out_(out) {}

    void warn_once(const std::string& key, const std::string& message) {
        if (warned_.insert(key).second) out_.warnings.push_back(message);
    }

    std::string where(const std::string& location) const {
        return location.empty() ? "" : " (location '" + location + "')";
    }

    void read_handlers(const pugi::xml_node& node, const std::string& location) {
        handler_section section;
        section.location = location;
        section.access_policy = node.attribute("accessPolicy").as_string();
        for (const auto& child : node.children()) {
            const std::string name = child.name();
            handler_section::step step;
            if (name == "clear") {
                step.what = handler_section::step::kind::clear;
            } else if (name == "remove") {
                step.what = handler_section::step::kind::remove;
                step.entry.name = child.attribute("name").as_string();
            } else if (name == "add") {
                handler& h = step.entry;
                h.name = child.attribute("name").as_string();
                h.path = child.attribute("path").as_string();
                if (auto verb = child.attribute("verb")) h.verb = verb.as_string();
                h.modules = child.attribute("modules").as_string();
                h.script_processor = child.attribute("scriptProcessor").as_string();
                if (auto access = child.attribute("requireAccess")) h.require_access = access.as_string();
                if (h.modules.find("CgiModule") != std::string::npos) {
                    warn_once("cgi:" + h.name, "handler '" + h.name + "'" + where(location) + " (" + h.modules +
                                                   " for " + h.path + ") is not carried over: only ISAPI "
                                                   "extensions are hosted; serve CGI/FastCGI programs from nginx");
                }
                if (auto pre = child.attribute("preCondition"); pre && std::string(pre.as_string()).find("bitness32") != std::string::npos) {
                    warn_once("bitness32:" + h.name, "handler '" + h.name + "'" + where(location) +
                              " has preCondition bitness32: a 32-bit DLL must be rebuilt as a 64-bit Linux .so");
                }
            } else {
                continue;
            }
            section.steps.push_back(std::move(step));
        }
        out_.config.handlers.push_back(std::move(section));
    }

    void read_web_server(const pugi::xml_node& web, const std::string& location) {
        web_server_settings settings;
        settings.location = location;
        for (const auto& child : web.children()) {
            const std::string name = child.name();
            if (name == "handlers") {
                read_handlers(child, location);
            } else if (name == "security") {
                for (const auto& part : child.children()) {
                    const std::string part_name = part.name();
                    if (part_name == "isapiCgiRestriction") {
                        out_.config.restriction_list_present = true;
                        out_.config.not_listed_isapis_allowed = truthy(part.attribute("notListedIsapisAllowed"));
                        for (const auto& add : part.children("add")) {
                            out_.config.restrictions.push_back(
                                {add.attribute("path").as_string(), truthy(add.attribute("allowed")),
                                 add.attribute("description").as_string()});
                        }
                    } else if (part_name == "requestFiltering") {
                        if (auto limits = part.child("requestLimits")) {
                            settings.max_allowed_content_length = number(limits.attribute("maxAllowedContentLength"));
                        }
                        for (const auto& other : part.children()) {
                            if (std::string(other.name()) != "requestLimits") {
                                warn_once("rf:" + std::string(other.name()) + location,
                                          "requestFiltering/" + std::string(other.name()) + where(location) +
                                              " is not carried over: express it in nginx if it matters");
                            }
                        }
                    } else if (part_name == "authentication" || part_name == "authorization"
                               || part_name == "access" || part_name == "ipSecurity") {
                        warn_once("sec:" + part_name + location,
                                  "security/" + part_name + where(location) +
                                      " is not carried over: authenticate and authorise in nginx "
                                      "(the extension runs as the sidecar's user, no impersonation)");
                    } else {
                        warn_once("sec:" + part_name + location,
                                  "security/" + part_name + where(location) + " is not carried over");
                    }
                }
            } else if (name == "serverRuntime") {
                settings.upload_read_ahead = number(child.attribute("uploadReadAheadSize"));
            } else if (name == "isapiFilters") {
                out_.config.filters.push_back(read_filter_section(child, location, out_.warnings));
            } else if (name == "cgi" || name == "fastCgi") {
                warn_once(name + location, name + where(location) + " is not carried over: CGI programs are not hosted");
            } else if (name == "asp") {
                warn_once(name + location, "asp" + where(location) + " (classic ASP) is not supported");
            } else {
                warn_once("ws:" + name + location, "system.webServer/" + name + where(location) +
                                                       " is not carried over (nginx settles it: "
                                                       "defaults, errors, static files, headers...)");
            }
        }
        if (settings.max_allowed_content_length || settings.upload_read_ahead) {
            out_.config.settings.push_back(settings);
        }
    }

    void read_sites(const pugi::xml_node& sites) {
        if (auto defaults = sites.child("applicationDefaults")) {
            if (auto pool = defaults.attribute("applicationPool")) out_.config.default_pool = pool.as_string();
        }
        for (const auto& s : sites.children("site")) {
            site one;
            one.name = s.attribute("name").as_string();
            std::string site_pool = out_.config.default_pool;
            if (auto defaults = s.child("applicationDefaults")) {
                if (auto pool = defaults.attribute("applicationPool")) site_pool = pool.as_string();
            }
            for (const auto& b : s.child("bindings").children("binding")) {
                one.bindings.push_back({b.attribute("protocol").as_string(), b.attribute("bindingInformation").as_string()});
            }
            for (const auto& a : s.children("application")) {
                application app;
                app.path = a.attribute("path").as_string("/");
                app.pool = a.attribute("applicationPool").as_string(site_pool.c_str());
                for (const auto& v : a.children("virtualDirectory")) {
                    app.directories.push_back({v.attribute("path").as_string("/"), v.attribute("physicalPath").as_string()});
                }
                one.applications.push_back(std::move(app));
            }
            out_.config.sites.push_back(std::move(one));
        }
    }

    read_result& out_;
    std::set<std::string> warned_;
};

}  // namespace

read_result read_iis_config(std::string_view xml_text) {
    read_result out;
    pugi::xml_document doc;
    const auto parsed = doc.load_buffer(xml_text.data(), xml_text.size(),
                                        pugi::parse_default, pugi::encoding_auto);
    if (!parsed) {
        out.error = "line " + std::to_string(line_of(xml_text, parsed.offset)) + ": " + parsed.description();
        return out;
    }
    const auto root = doc.child("configuration");
    if (!root) {
        out.error = "not an IIS configuration file: the root element is not <configuration>";
        return out;
    }
    reader r(out);
    const auto host = root.child("system.applicationHost");
    out.config.application_host = static_cast<bool>(host.child("sites"));
    if (host) {
        out.config.pools = read_application_pools(host.child("applicationPools"), out.warnings);
        r.read_sites(host.child("sites"));
        for (const auto& child : host.children()) {
            const std::string name = child.name();
            if (name != "sites" && name != "applicationPools" && name != "log" && name != "listenerAdapters"
                && name != "webLimits" && name != "configHistory") {
                r.warn_once("host:" + name, "system.applicationHost/" + name + " is not carried over");
            }
        }
    }
    if (const auto web = root.child("system.webServer")) r.read_web_server(web, "");
    for (const auto& location : root.children("location")) {
        const std::string path = location.attribute("path").as_string();
        if (const auto web = location.child("system.webServer")) r.read_web_server(web, path);
    }
    if (root.child("system.web")) {
        r.warn_once("system.web", "system.web (ASP.NET settings) is not carried over");
    }
    out.ok = true;
    return out;
}

}  // namespace isapi_fcgi::iis_import
