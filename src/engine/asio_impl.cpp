// Asio is compiled once, here (BOOST_ASIO_SEPARATE_COMPILATION is set on the engine target).
#include <utility>

#include <boost/asio/impl/src.hpp>
