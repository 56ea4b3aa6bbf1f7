// Winsock on BSD sockets: start-up versions, WSA codes from errno, ioctlsocket, WSASend/WSARecv
// with buffer arrays, overlapped with an event and with a completion port.
#include <winsock2.h>
#include <ws2tcpip.h>

#include <gtest/gtest.h>

#include <string>

namespace {

class winsock : public ::testing::Test {
protected:
    void SetUp() override {
        int fds[2];
        ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
        a_ = static_cast<SOCKET>(fds[0]);  // a SOCKET is the descriptor
        b_ = static_cast<SOCKET>(fds[1]);
    }
    void TearDown() override {
        closesocket(a_);
        closesocket(b_);
    }
    SOCKET a_ = INVALID_SOCKET;
    SOCKET b_ = INVALID_SOCKET;
};

TEST(winsock_startup, versions_and_cleanup_count) {
    WSADATA data;
    ASSERT_EQ(WSAStartup(MAKEWORD(2, 2), &data), 0);
    EXPECT_EQ(data.wVersion, MAKEWORD(2, 2));
    EXPECT_EQ(data.wHighVersion, MAKEWORD(2, 2));
    ASSERT_EQ(WSAStartup(MAKEWORD(3, 0), &data), 0);  // higher: the best there is
    EXPECT_EQ(data.wVersion, MAKEWORD(2, 2));
    EXPECT_EQ(WSAStartup(MAKEWORD(0, 9), &data), WSAVERNOTSUPPORTED);
    EXPECT_EQ(WSACleanup(), 0);
    EXPECT_EQ(WSACleanup(), 0);
    EXPECT_EQ(WSACleanup(), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
}

TEST(winsock_startup, c_library_failures_read_as_wsa_codes) {
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_NE(s, INVALID_SOCKET);
    // A port nobody listens on: bind one, close it, connect to it.
    SOCKET probe = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    int length = sizeof(address);
    ASSERT_EQ(WSAStringToAddressA(const_cast<LPSTR>("127.0.0.1:0"), AF_INET, nullptr,
                                  reinterpret_cast<LPSOCKADDR>(&address), &length), 0);
    ASSERT_EQ(bind(static_cast<int>(probe), reinterpret_cast<SOCKADDR*>(&address), sizeof(address)), 0);
    socklen_t got = sizeof(address);
    ASSERT_EQ(getsockname(static_cast<int>(probe), reinterpret_cast<SOCKADDR*>(&address), &got), 0);
    closesocket(probe);
    EXPECT_EQ(connect(static_cast<int>(s), reinterpret_cast<SOCKADDR*>(&address), sizeof(address)), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAECONNREFUSED);
    closesocket(s);
    EXPECT_EQ(closesocket(s), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAENOTSOCK);
    WSASetLastError(WSAECONNRESET);
    EXPECT_EQ(WSAGetLastError(), WSAECONNRESET);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(WSAECONNRESET));
}

TEST(winsock_startup, string_to_address) {
    sockaddr_in6 v6{};
    int length = sizeof(v6);
    ASSERT_EQ(WSAStringToAddressW(const_cast<LPWSTR>(u"[::1]:8080"), AF_INET6, nullptr,
                                  reinterpret_cast<LPSOCKADDR>(&v6), &length), 0);
    EXPECT_EQ(ntohs(v6.sin6_port), 8080);
    EXPECT_EQ(length, static_cast<int>(sizeof(v6)));
    sockaddr_in v4{};
    length = 4;  // too small: the size needed
    EXPECT_EQ(WSAStringToAddressA(const_cast<LPSTR>("10.1.2.3:80"), AF_INET, nullptr,
                                  reinterpret_cast<LPSOCKADDR>(&v4), &length), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
    EXPECT_EQ(length, static_cast<int>(sizeof(v4)));
    EXPECT_EQ(WSAStringToAddressA(const_cast<LPSTR>("not an address"), AF_INET, nullptr,
                                  reinterpret_cast<LPSOCKADDR>(&v4), &length), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
}

TEST_F(winsock, ioctlsocket_non_blocking_and_bytes_readable) {
    u_long on = 1;
    ASSERT_EQ(ioctlsocket(b_, FIONBIO, &on), 0);
    char buffer[16];
    WSABUF one{sizeof(buffer), buffer};
    DWORD got = 0, flags = 0;
    EXPECT_EQ(WSARecv(b_, &one, 1, &got, &flags, nullptr, nullptr), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAEWOULDBLOCK);
    ASSERT_EQ(send(static_cast<int>(a_), "hello", 5, 0), 5);
    u_long readable = 0;
    ASSERT_EQ(ioctlsocket(b_, FIONREAD, &readable), 0);
    EXPECT_EQ(readable, 5u);
    EXPECT_EQ(ioctlsocket(b_, 0x7777, &readable), SOCKET_ERROR);
    EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
}

TEST_F(winsock, buffer_arrays_in_both_directions) {
    char head[] = "GET ", tail[] = "/x";
    WSABUF out[2] = {{4, head}, {2, tail}};
    DWORD sent = 0;
    ASSERT_EQ(WSASend(a_, out, 2, &sent, 0, nullptr, nullptr), 0);
    EXPECT_EQ(sent, 6u);
    char first[3], second[8];
    WSABUF in[2] = {{3, first}, {8, second}};
    DWORD got = 0, flags = 0;
    ASSERT_EQ(WSARecv(b_, in, 2, &got, &flags, nullptr, nullptr), 0);
    EXPECT_EQ(got, 6u);
    EXPECT_EQ(std::string(first, 3) + std::string(second, 3), "GET /x");
    // The peer's close: 0 bytes, success.
    closesocket(a_);
    a_ = INVALID_SOCKET;
    ASSERT_EQ(WSARecv(b_, in, 2, &got, &flags, nullptr, nullptr), 0);
    EXPECT_EQ(got, 0u);
}

TEST_F(winsock, overlapped_with_an_event_and_a_completion_port) {
    HANDLE port = CreateIoCompletionPort(reinterpret_cast<HANDLE>(b_), nullptr, 0xB, 0);
    ASSERT_NE(port, nullptr) << GetLastError();
    // Overlapped receive on a non-blocking socket waits for the data instead of failing.
    u_long on = 1;
    ASSERT_EQ(ioctlsocket(b_, FIONBIO, &on), 0);
    WSAOVERLAPPED sent_ov{};
    sent_ov.hEvent = WSACreateEvent();
    char text[] = "ping";
    WSABUF out{4, text};
    ASSERT_EQ(WSASend(a_, &out, 1, nullptr, 0, &sent_ov, nullptr), 0);
    EXPECT_EQ(WSAWaitForMultipleEvents(1, &sent_ov.hEvent, TRUE, 0, FALSE), WSA_WAIT_EVENT_0);
    DWORD bytes = 0, flags = 0;
    ASSERT_TRUE(WSAGetOverlappedResult(a_, &sent_ov, &bytes, FALSE, &flags));
    EXPECT_EQ(bytes, 4u);
    char buffer[8];
    WSABUF in{sizeof(buffer), buffer};
    WSAOVERLAPPED recv_ov{};
    flags = 0;
    const int result = WSARecv(b_, &in, 1, nullptr, &flags, &recv_ov, nullptr);
    ASSERT_TRUE(result == 0 || WSAGetLastError() == WSA_IO_PENDING);
    ULONG_PTR key = 0;
    LPOVERLAPPED which = nullptr;
    ASSERT_TRUE(GetQueuedCompletionStatus(port, &bytes, &key, &which, 5000));
    EXPECT_EQ(which, &recv_ov);
    EXPECT_EQ(key, 0xBu);
    EXPECT_EQ(std::string(buffer, bytes), "ping");
    WSACloseEvent(sent_ov.hEvent);
    CloseHandle(port);
}

}  // namespace
