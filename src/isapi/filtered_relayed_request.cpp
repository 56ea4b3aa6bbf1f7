#include "isapi/filtered_relayed_request.hpp"

#include <boost/asio/post.hpp>

namespace isapi_fcgi::isapi {

void filtered_relayed_request::write(std::string bytes, engine::request::write_handler handler) {
    boost::asio::post(channel_->executor(), [channel = channel_, bytes = std::move(bytes),
                                             handler = std::move(handler)]() mutable {
        channel->write_on_strand({}, std::move(bytes), std::move(handler));
    });
}

void filtered_relayed_request::end() {
    boost::asio::post(channel_->executor(), [channel = channel_] { channel->end_on_strand(); });
}

void filtered_relayed_request::close_connection() {
    boost::asio::post(channel_->executor(), [channel = channel_] { channel->close_connection(); });
}

}  // namespace isapi_fcgi::isapi
