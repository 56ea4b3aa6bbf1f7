#include "isapi/server_variable_catalogue.hpp"

#include <algorithm>
#include <array>

#include "fcgi/param_set.hpp"
#include "isapi/ascii.hpp"
#include "isapi/base64.hpp"
#include "isapi/client_certificate.hpp"
#include "isapi/path_mapping.hpp"

namespace isapi_fcgi::isapi {
namespace {

using sources = variable_sources;

constexpr std::string_view http_prefix = "HTTP_";

constexpr std::array<std::string_view, 22> irregular_header_names = {
    "DNT", "TE", "WWW-Authenticate", "Content-MD5", "Content-ID", "ETag", "SOAPAction",
    "X-ATT-DeviceId", "X-UIDH", "X-CSRF-Token", "X-XSRF-TOKEN", "X-HTTP-Method-Override",
    "X-Real-IP", "X-Request-ID", "X-Correlation-ID", "X-WAP-Profile", "Sec-WebSocket-Key",
    "Sec-WebSocket-Version", "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol",
    "Sec-CH-UA", "Sec-CH-UA-Mobile",
};


/// Header values end up inside line-oriented blocks; a stray CR, LF or NUL would split a line.
void append_sanitised(std::string& out, std::string_view value) {
    for (char c : value) out += (c == '\r' || c == '\n' || c == '\0') ? ' ' : c;
}

/// Every request header as (HTTP_ param name, value), Content-Type and Content-Length included
/// once even when the front end sent them only as CONTENT_TYPE / CONTENT_LENGTH (Apache).
template <typename Line>
void for_each_header(const fcgi::param_set& params, Line line) {
    for (std::size_t i = 0; i < params.size(); ++i) {
        const auto p = params[i];
        if (p.name.size() > http_prefix.size() && p.name.starts_with(http_prefix)) line(p.name, p.value);
    }
    for (const std::string_view cgi : {std::string_view("CONTENT_TYPE"), std::string_view("CONTENT_LENGTH")}) {
        const std::string http_name = std::string(http_prefix) + std::string(cgi);
        const std::string_view v = params.get(cgi);
        if (!v.empty() && !params.find(http_name)) line(http_name, v);
    }
}

/// RFC 2253 order ("CN=a,O=b,C=c", nginx and Apache 2.4) or OpenSSL's legacy "/C=c/O=b/CN=a"
/// -> IIS's "C=c, O=b, CN=a".
std::string iis_distinguished_name(std::string_view dn) {
    std::vector<std::string> parts;
    if (dn.starts_with('/')) {
        std::size_t start = 1;
        while (start <= dn.size()) {
            const std::size_t end = std::min(dn.find('/', start), dn.size());
            if (end > start) parts.emplace_back(dn.substr(start, end - start));
            start = end + 1;
        }
    } else {
        std::string current;
        for (std::size_t i = 0; i < dn.size(); ++i) {
            if (dn[i] == '\\' && i + 1 < dn.size()) {
                current += dn[i];
                current += dn[++i];
            } else if (dn[i] == ',') {
                parts.push_back(std::string(ascii::trim(current)));
                current.clear();
            } else {
                current += dn[i];
            }
        }
        if (!current.empty()) parts.push_back(std::string(ascii::trim(current)));
        std::reverse(parts.begin(), parts.end());
    }
    std::string out;
    for (const auto& part : parts) {
        if (!out.empty()) out += ", ";
        out += part;
    }
    return out;
}

/// "66459AC4" -> "66-45-9a-c4", the byte-wise form IIS shows.
std::string iis_serial_number(std::string_view hex) {
    std::string digits;
    for (char c : hex)
        if (ascii::is_digit(c) || (ascii::to_lower(c) >= 'a' && ascii::to_lower(c) <= 'f')) digits += ascii::to_lower(c);
    if (digits.size() % 2) digits.insert(digits.begin(), '0');
    std::string out;
    for (std::size_t i = 0; i < digits.size(); i += 2) {
        if (i) out += '-';
        out += digits.substr(i, 2);
    }
    return out;
}

/// Session key bits: Apache's SSL_CIPHER_USEKEYSIZE, else read off the cipher's name (nginx
/// $ssl_cipher), else "".
std::string session_key_size(const sources& s) {
    if (auto v = s.param("SSL_CIPHER_USEKEYSIZE"); !v.empty()) return v;
    const std::string cipher = ascii::to_upper(s.param("SSL_CIPHER"));
    if (cipher.find("256") != std::string::npos || cipher.find("CHACHA20") != std::string::npos) return "256";
    if (cipher.find("128") != std::string::npos) return "128";
    return {};
}

bool has_client_certificate(const sources& s) {
    const std::string_view verify = s.params.get("SSL_CLIENT_VERIFY");
    return !s.params.get("SSL_CLIENT_CERT").empty() || (!verify.empty() && verify != "NONE");
}

std::string basic_credentials(const sources& s, bool password) {
    const std::string_view auth = ascii::trim(s.params.get("HTTP_AUTHORIZATION"));
    if (!ascii::istarts_with(auth, "Basic ")) return {};
    const auto decoded = base64_decode(ascii::trim(auth.substr(6)));
    const std::size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) return {};
    return password ? decoded->substr(colon + 1) : decoded->substr(0, colon);
}

std::string remote_user(const sources& s) { return s.param("REMOTE_USER"); }

std::string raw_url(const sources& s) {
    if (auto uri = s.params.find("REQUEST_URI"); uri && !uri->empty()) return std::string(*uri);
    const std::string_view q = s.params.get("QUERY_STRING");
    return s.match.url() + (q.empty() ? "" : "?" + std::string(q));
}

std::string instance_id(const sources& s) { return s.overridden("INSTANCE_ID").value_or("1"); }

/// "host", "[v6]" or "host:port" / "[v6]:port" without the port.
std::string_view host_without_port(std::string_view host) {
    if (host.starts_with('[')) return host.substr(0, host.find(']') + 1);
    return host.substr(0, host.find(':'));
}

/// SERVER_NAME without a port (some fronts keep it: HAProxy's default, a Host-derived
/// $server_name), else the host part of HTTP_HOST.
std::string server_name(const sources& s) {
    const std::string_view name = s.params.get("SERVER_NAME");
    return std::string(host_without_port(name.empty() ? s.params.get("HTTP_HOST") : name));
}

std::string or_default(std::string value, std::string_view fallback) {
    return value.empty() ? std::string(fallback) : value;
}

// IIS's names, then the later IIS names that are CGI params too; `source` says where each value comes from behind nginx, Apache httpd
// (mod_proxy_fcgi) and HAProxy (fcgi-app), which send the same CGI names unless noted.
const std::array<server_variable, 59> catalogue{{
    {"ALL_HTTP", "IIS 4", "every request header as `HTTP_<NAME>:value`, no space after the colon, one per line",
     "the `HTTP_*` params in arrival order, plus Content-Type/Content-Length from CONTENT_TYPE/CONTENT_LENGTH when "
     "the front end sent no `HTTP_CONTENT_*` (Apache, HAProxy); lines end in LF, or CRLF with `all_http_line_end: crlf`",
     [](const sources& s) { return s.all_http(); }},
    {"ALL_RAW", "IIS 4", "every request header as `Name: value` lines, CRLF",
     "rebuilt from the `HTTP_*` params (FastCGI lost the original case: title case plus a table of irregular names)",
     [](const sources& s) { return s.all_raw(); }},
    {"APPL_MD_PATH", "IIS 4", "metabase path of the application", "`/LM/W3SVC/<INSTANCE_ID>/ROOT`; override per pool",
     [](const sources& s) { return "/LM/W3SVC/" + instance_id(s) + "/ROOT"; }},
    {"APPL_PHYSICAL_PATH", "IIS 4", "physical directory of the application, with a trailing `/`",
     "`document_root`, else the front end's DOCUMENT_ROOT, with `/` appended",
     [](const sources& s) { return appl_physical_path(s.document_root()); }},
    {"APP_POOL_ID", "IIS 6", "application pool name", "the pool's `name`",
     [](const sources& s) { return s.config.app_pool_id; }},
    {"AUTH_PASSWORD", "IIS 4", "password of Basic authentication",
     "decoded from HTTP_AUTHORIZATION when the front end authenticated the user (REMOTE_USER set); Apache passes "
     "the header only with `CGIPassAuth On`",
     [](const sources& s) { return s.param("REMOTE_USER").empty() ? std::string() : basic_credentials(s, true); }},
    {"AUTH_TYPE", "IIS 4", "`Basic`, `Negotiate`, ... or empty",
     "AUTH_TYPE (Apache; nginx: `fastcgi_param AUTH_TYPE`), else the scheme of HTTP_AUTHORIZATION when REMOTE_USER "
     "is set",
     [](const sources& s) {
         const std::string type = s.param("AUTH_TYPE");
         if (!type.empty() || s.param("REMOTE_USER").empty()) return type;
         const std::string_view auth = ascii::trim(s.params.get("HTTP_AUTHORIZATION"));
         return std::string(auth.substr(0, auth.find(' ')));
     }},
    {"AUTH_USER", "IIS 4", "authenticated user name", "REMOTE_USER (nginx: `fastcgi_param REMOTE_USER $remote_user`)",
     remote_user},
    {"CACHE_URL", "IIS 6", "unambiguous name of the URL", "`http(s)://SERVER_NAME:SERVER_PORT` + the raw URL",
     [](const sources& s) {
         return std::string(s.https() ? "https://" : "http://") + server_name(s) + ":" + s.param("SERVER_PORT") +
                raw_url(s);
     }},
    {"CERT_COOKIE", "IIS 4", "unique id of the client certificate",
     "hex FNV-1a of the certificate's DER from SSL_CLIENT_CERT (nginx `$ssl_client_escaped_cert`, Apache "
     "`+ExportCertData`); IIS's own digest is not documented",
     [](const sources& s) {
         const auto der = client_certificate_der(s.params.get("SSL_CLIENT_CERT"));
         if (!der) return std::string();
         std::uint64_t h = 0xcbf29ce484222325ULL;
         for (unsigned char c : *der) h = (h ^ c) * 0x100000001b3ULL;
         static constexpr std::string_view digits = "0123456789abcdef";
         std::string out(16, '0');
         for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = digits[h & 15];
         return out;
     }},
    {"CERT_FLAGS", "IIS 4", "bit 0: a client certificate; bit 1: its issuer is not trusted",
     "SSL_CLIENT_VERIFY (nginx `$ssl_client_verify`) and SSL_CLIENT_CERT; empty without a certificate",
     [](const sources& s) {
         if (!has_client_certificate(s)) return std::string();
         return std::to_string(client_certificate_flags(s.params.get("SSL_CLIENT_VERIFY"), true));
     }},
    {"CERT_ISSUER", "IIS 4", "issuer of the client certificate, `C=.., O=.., CN=..`",
     "SSL_CLIENT_I_DN (nginx `$ssl_client_i_dn`), reordered as IIS prints it",
     [](const sources& s) { return iis_distinguished_name(s.params.get("SSL_CLIENT_I_DN")); }},
    {"CERT_KEYSIZE", "IIS 4", "session key bits", "SSL_CIPHER_USEKEYSIZE (Apache), else read off SSL_CIPHER (nginx `$ssl_cipher`)",
     session_key_size},
    {"CERT_SECRETKEYSIZE", "IIS 4", "bits of the server certificate's key", "configure it in `server_variables`",
     [](const sources&) { return std::string(); }},
    {"CERT_SERIALNUMBER", "IIS 4", "serial of the client certificate, hex bytes joined by `-`",
     "SSL_CLIENT_M_SERIAL (Apache; nginx `$ssl_client_serial`), reformatted",
     [](const sources& s) { return iis_serial_number(s.params.get("SSL_CLIENT_M_SERIAL")); }},
    {"CERT_SERVER_ISSUER", "IIS 4", "issuer of the server certificate", "SSL_SERVER_I_DN (Apache); else `server_variables`",
     [](const sources& s) { return iis_distinguished_name(s.params.get("SSL_SERVER_I_DN")); }},
    {"CERT_SERVER_SUBJECT", "IIS 4", "subject of the server certificate", "SSL_SERVER_S_DN (Apache); else `server_variables`",
     [](const sources& s) { return iis_distinguished_name(s.params.get("SSL_SERVER_S_DN")); }},
    {"CERT_SUBJECT", "IIS 4", "subject of the client certificate", "SSL_CLIENT_S_DN (nginx `$ssl_client_s_dn`), reordered",
     [](const sources& s) { return iis_distinguished_name(s.params.get("SSL_CLIENT_S_DN")); }},
    {"CONTENT_LENGTH", "IIS 4", "body length; `0` without a body", "CONTENT_LENGTH; empty while a body of unknown length streams",
     [](const sources& s) {
         const std::string v = s.param("CONTENT_LENGTH");
         if (!v.empty()) return v;
         return std::string(s.body_length_unknown ? "" : "0");
     }},
    {"CONTENT_TYPE", "IIS 4", "body MIME type", "CONTENT_TYPE, else HTTP_CONTENT_TYPE",
     [](const sources& s) { return or_default(s.param("CONTENT_TYPE"), s.params.get("HTTP_CONTENT_TYPE")); }},
    {"DOCUMENT_ROOT", "IIS 7", "physical root of the site", "`document_root`, else DOCUMENT_ROOT",
     [](const sources& s) { return s.document_root(); }},
    {"GATEWAY_INTERFACE", "IIS 4", "`CGI/1.1`", "GATEWAY_INTERFACE, else `CGI/1.1`",
     [](const sources& s) { return or_default(s.param("GATEWAY_INTERFACE"), "CGI/1.1"); }},
    {"HTTPS", "IIS 4", "`on` or `off`", "HTTPS (nginx `$https`, Apache mod_ssl, HAProxy `ssl_fc`): `on`/`1` -> `on`",
     [](const sources& s) { return std::string(s.https() ? "on" : "off"); }},
    {"HTTPS_KEYSIZE", "IIS 4", "as CERT_KEYSIZE", "as CERT_KEYSIZE", session_key_size},
    {"HTTPS_SECRETKEYSIZE", "IIS 4", "as CERT_SECRETKEYSIZE", "configure it in `server_variables`",
     [](const sources&) { return std::string(); }},
    {"HTTPS_SERVER_ISSUER", "IIS 4", "as CERT_SERVER_ISSUER", "as CERT_SERVER_ISSUER",
     [](const sources& s) { return iis_distinguished_name(s.params.get("SSL_SERVER_I_DN")); }},
    {"HTTPS_SERVER_SUBJECT", "IIS 4", "as CERT_SERVER_SUBJECT", "as CERT_SERVER_SUBJECT",
     [](const sources& s) { return iis_distinguished_name(s.params.get("SSL_SERVER_S_DN")); }},
    {"HTTP_METHOD", "IIS 6", "the method (an IIS variable, not a header)", "REQUEST_METHOD",
     [](const sources& s) { return s.param("REQUEST_METHOD"); }},
    {"HTTP_URL", "IIS 6", "the raw URL with its query, still encoded", "REQUEST_URI, else URL + `?` + QUERY_STRING",
     raw_url},
    {"HTTP_VERSION", "IIS 6", "the request's protocol, `HTTP/1.1` (an IIS variable, not a header)",
     "SERVER_PROTOCOL, else `HTTP/1.1`",
     [](const sources& s) { return or_default(s.param("SERVER_PROTOCOL"), "HTTP/1.1"); }},
    {"INSTANCE_ID", "IIS 4", "site id", "`1`; override per pool", instance_id},
    {"INSTANCE_META_PATH", "IIS 4", "metabase path of the site, `/LM/W3SVC/<id>`", "from INSTANCE_ID",
     [](const sources& s) { return "/LM/W3SVC/" + instance_id(s); }},
    {"INSTANCE_NAME", "IIS 7", "site name", "`Default Web Site`; override per pool",
     [](const sources&) { return std::string("Default Web Site"); }},
    {"LOCAL_ADDR", "IIS 4", "server address the request came in on", "SERVER_ADDR",
     [](const sources& s) { return s.param("SERVER_ADDR"); }},
    {"LOGON_USER", "IIS 4", "Windows account of the user (REMOTE_USER without a mapping)", "REMOTE_USER", remote_user},
    {"PATH_INFO", "IIS 4",
     "extra path after a direct `.dll` URL; the whole URL for a script-mapped request (AllowPathInfoForScriptMappings "
     "false)",
     "computed from REQUEST_URI (or SCRIPT_NAME + PATH_INFO) and the configured `urls` / `script_maps`",
     [](const sources& s) { return s.match.path_info; }},
    {"PATH_TRANSLATED", "IIS 4", "physical path of PATH_INFO",
     "PATH_INFO mapped under `document_root` / DOCUMENT_ROOT, else the PATH_TRANSLATED param",
     [](const sources& s) { return s.path_translated(); }},
    {"QUERY_STRING", "IIS 4", "text after `?`, still encoded", "QUERY_STRING",
     [](const sources& s) { return s.param("QUERY_STRING"); }},
    {"REMOTE_ADDR", "IIS 4", "client address", "REMOTE_ADDR", [](const sources& s) { return s.param("REMOTE_ADDR"); }},
    {"REMOTE_HOST", "IIS 4", "client host name, its address when not resolved", "REMOTE_HOST, else REMOTE_ADDR",
     [](const sources& s) { return or_default(s.param("REMOTE_HOST"), s.params.get("REMOTE_ADDR")); }},
    {"REMOTE_PORT", "IIS 5", "client port", "REMOTE_PORT", [](const sources& s) { return s.param("REMOTE_PORT"); }},
    {"REMOTE_USER", "IIS 4", "authenticated user, empty when anonymous", "REMOTE_USER", remote_user},
    {"REQUEST_METHOD", "IIS 4", "the method", "REQUEST_METHOD",
     [](const sources& s) { return s.param("REQUEST_METHOD"); }},
    {"SCRIPT_NAME", "IIS 4", "virtual path of the extension (the mapped file for a script map)",
     "computed like PATH_INFO; keeps the client's spelling", [](const sources& s) { return s.match.script_name; }},
    {"SCRIPT_TRANSLATED", "IIS 6", "physical path of the requested script",
     "SCRIPT_FILENAME, else SCRIPT_NAME mapped under the document root",
     [](const sources& s) {
         // Apache's ProxyPass form sends "proxy:fcgi://host:port/path": not a path here.
         if (auto f = s.params.find("SCRIPT_FILENAME"); f && f->starts_with('/')) return std::string(*f);
         const std::string root = s.document_root();
         if (root.empty()) return std::string();
         auto mapped = map_url_to_path(root, s.match.script_name);
         return mapped.error == path_mapping_error::none ? mapped.value.path : std::string();
     }},
    {"SERVER_NAME", "IIS 4", "host name for self-references", "SERVER_NAME, else the host part of HTTP_HOST",
     server_name},
    {"SERVER_PORT", "IIS 4", "server port", "SERVER_PORT", [](const sources& s) { return s.param("SERVER_PORT"); }},
    {"SERVER_PORT_SECURE", "IIS 4", "`1` on TLS, else `0`", "from HTTPS",
     [](const sources& s) { return std::string(s.https() ? "1" : "0"); }},
    {"SERVER_PROTOCOL", "IIS 4", "`HTTP/1.1`", "SERVER_PROTOCOL, else `HTTP/1.1`",
     [](const sources& s) { return or_default(s.param("SERVER_PROTOCOL"), "HTTP/1.1"); }},
    {"SERVER_SOFTWARE", "IIS 4", "`Microsoft-IIS/6.0` on IIS",
     "`server_software` or `server_variables`, else SERVER_SOFTWARE (nginx/1.x, Apache/2.4.x), else `isapi-fcgi`",
     [](const sources& s) {
         if (!s.config.server_software.empty()) return s.config.server_software;
         return or_default(s.param("SERVER_SOFTWARE"), "isapi-fcgi");
     }},
    {"SSI_EXEC_DISABLED", "IIS 6", "`1` when server-side include #exec is off", "`1` (there is no SSI here)",
     [](const sources&) { return std::string("1"); }},
    {"UNENCODED_URL", "IIS 6", "the raw URL as the client sent it", "as HTTP_URL", raw_url},
    {"UNMAPPED_REMOTE_USER", "IIS 4", "user name before any mapping", "REMOTE_USER (mod_isapi returns the literal text)",
     remote_user},
    {"URL", "IIS 4", "decoded path without the query", "SCRIPT_NAME + PATH_INFO as mapped",
     [](const sources& s) { return s.match.url(); }},
    {"URL_PATH_INFO", "IIS 5", "PATH_INFO (legacy name)", "as PATH_INFO", [](const sources& s) { return s.match.path_info; }},
    // Later IIS names that exist as CGI params of the same name: passed through, "" when absent.
    {"REQUEST_URI", "IIS 7", "the raw URL", "REQUEST_URI", [](const sources& s) { return raw_url(s); }},
    {"REQUEST_FILENAME", "IIS 7", "physical path of the request", "REQUEST_FILENAME, else SCRIPT_FILENAME",
     [](const sources& s) { return or_default(s.param("REQUEST_FILENAME"), s.params.get("SCRIPT_FILENAME")); }},
    {"SCRIPT_FILENAME", "IIS 7", "physical path of the script", "SCRIPT_FILENAME",
     [](const sources& s) { return s.param("SCRIPT_FILENAME"); }},
    {"SERVER_ADDR", "IIS 7", "server address", "SERVER_ADDR", [](const sources& s) { return s.param("SERVER_ADDR"); }},
}};

const std::array<server_variable_family, 4> families{{
    {"HTTP_<NAME>", "request header, `_` standing for `-`, matched case-insensitively; repeated headers joined with `, `",
     "the `HTTP_<NAME>` param (nginx, Apache and HAProxy pass every header so); HTTP_CONTENT_TYPE and "
     "HTTP_CONTENT_LENGTH also from CONTENT_TYPE/CONTENT_LENGTH. Absent: FALSE/ERROR_INVALID_INDEX"},
    {"HEADER_<Name>", "request header by its literal name (IIS 6), `HEADER_X-Foo`",
     "looked up as `HTTP_X_FOO`; a name with `_` is never answered (front ends drop such headers)"},
    {"UNICODE_<VAR>", "`<VAR>` as UTF-16LE (IIS 6); sizes in bytes, a 2-byte terminator; not for HTTP_/HEADER_",
     "converted from the ANSI value"},
    {"<any other name>", "not an IIS variable",
     "the FastCGI param of exactly that name (SSL_*, custom `fastcgi_param`/`SetEnv`), else FALSE/ERROR_INVALID_INDEX"},
}};

}  // namespace

std::string variable_sources::param(std::string_view name) const { return std::string(params.get(name)); }

bool variable_sources::https() const {
    const std::string_view v = params.get("HTTPS");
    return ascii::iequals(v, "on") || v == "1";
}

std::string variable_sources::document_root() const {
    const std::string_view root = config.document_root.empty() ? params.get("DOCUMENT_ROOT") : config.document_root;
    return root.empty() ? std::string() : normalize_document_root(root);
}

std::string variable_sources::path_translated() const {
    const std::string root = document_root();
    if (root.empty()) return param("PATH_TRANSLATED");
    if (match.path_info.empty()) return root;  // what map_url_to_path gives, without its work
    auto mapped = map_url_to_path(root, match.path_info);
    return mapped.error == path_mapping_error::none ? std::move(mapped.value.path) : std::string();
}

std::optional<std::string> variable_sources::overridden(std::string_view name) const {
    for (const auto& [key, value] : config.overrides)
        if (key == name) return value;
    return std::nullopt;
}

std::string variable_sources::all_http() const {
    const std::string_view eol = config.all_http_crlf ? "\r\n" : "\n";
    std::string out;
    for_each_header(params, [&](std::string_view name, std::string_view value) {
        out += name;
        out += ':';
        append_sanitised(out, value);
        out += eol;
    });
    return out;
}

std::string variable_sources::all_raw() const {
    std::string out;
    for_each_header(params, [&](std::string_view name, std::string_view value) {
        out += header_name_from_param(name);
        out += ": ";
        append_sanitised(out, value);
        out += "\r\n";
    });
    return out;
}

std::span<const server_variable> server_variable_catalogue() { return catalogue; }

const server_variable* find_server_variable(std::string_view upper_name) {
    for (const auto& v : catalogue)
        if (v.name == upper_name) return &v;
    return nullptr;
}

std::span<const server_variable_family> server_variable_families() { return families; }

std::string header_name_from_param(std::string_view http_param_name) {
    std::string_view rest = http_param_name;
    if (rest.starts_with(http_prefix)) rest.remove_prefix(http_prefix.size());
    std::string name;
    name.reserve(rest.size());
    bool word_start = true;
    for (char c : rest) {
        if (c == '_' || c == '-') {
            name += '-';
            word_start = true;
            continue;
        }
        name += word_start ? ascii::to_upper(c) : ascii::to_lower(c);
        word_start = false;
    }
    for (const auto irregular : irregular_header_names)
        if (ascii::iequals(irregular, name)) return std::string(irregular);
    return name;
}

}  // namespace isapi_fcgi::isapi
