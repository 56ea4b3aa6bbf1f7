#include "engine/not_found_handler.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/log_text.hpp"
#include "engine/request.hpp"
#include "engine/simple_response.hpp"

namespace isapi_fcgi::engine {

void not_found_handler::handle(std::shared_ptr<request> r) {
    const auto path = log_text(r->script_name());
    spdlog::info("{} 404: no extension is mapped to '{}'", r->log_context(), path);
    r->write_copy(make_simple_response(404, fmt::format("404 Not Found: no extension is mapped to {}\n", path)));
    r->end();
}

}  // namespace isapi_fcgi::engine
