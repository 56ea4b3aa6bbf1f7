#pragma once
// A move-only std::function that keeps callables of up to `Capacity` bytes inside itself.
// std::function stores only 16 bytes inline, so a handler capturing a shared_ptr and one more
// word (the usual completion: the object, an operation id) cost a heap allocation per call; on
// the body path that was one per STDIN record. Larger callables still go to the heap.
#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace isapi_fcgi::engine {

template <typename Signature, std::size_t Capacity = 48>
class inline_function;

template <typename R, typename... Args, std::size_t Capacity>
class inline_function<R(Args...), Capacity> {
public:
    inline_function() noexcept = default;
    inline_function(std::nullptr_t) noexcept {}  // NOLINT(google-explicit-constructor): as std::function

    template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, inline_function> &&
                                                      !std::is_same_v<std::decay_t<F>, std::nullptr_t> &&
                                                      std::is_invocable_r_v<R, std::decay_t<F>&, Args...>>>
    inline_function(F&& f) {  // NOLINT(google-explicit-constructor): as std::function
        using target = std::decay_t<F>;
        if constexpr (fits<target>) {
            ::new (static_cast<void*>(storage_)) target(std::forward<F>(f));
            ops_ = &inline_ops<target>;
        } else {
            ::new (static_cast<void*>(storage_)) target*(new target(std::forward<F>(f)));
            ops_ = &heap_ops<target>;
        }
    }

    inline_function(inline_function&& other) noexcept { take(other); }
    inline_function& operator=(inline_function&& other) noexcept {
        if (this != &other) {
            reset();
            take(other);
        }
        return *this;
    }
    inline_function& operator=(std::nullptr_t) noexcept {
        reset();
        return *this;
    }
    inline_function(const inline_function&) = delete;
    inline_function& operator=(const inline_function&) = delete;
    ~inline_function() { reset(); }

    explicit operator bool() const noexcept { return ops_ != nullptr; }

    /// Like std::function: const, and the target is called as a non-const lvalue.
    R operator()(Args... args) const { return ops_->call(storage_, std::forward<Args>(args)...); }

private:
    struct operations {
        R (*call)(void* storage, Args&&... args);
        void (*move)(void* from, void* to) noexcept;  // move-constructs into `to`, destroys `from`
        void (*destroy)(void* storage) noexcept;
    };

    template <typename T>
    static constexpr bool fits = sizeof(T) <= Capacity && alignof(T) <= alignof(std::max_align_t) &&
                                 std::is_nothrow_move_constructible_v<T>;

    template <typename T>
    static constexpr operations inline_ops{
        [](void* s, Args&&... args) -> R { return (*static_cast<T*>(s))(std::forward<Args>(args)...); },
        [](void* from, void* to) noexcept {
            ::new (to) T(std::move(*static_cast<T*>(from)));
            static_cast<T*>(from)->~T();
        },
        [](void* s) noexcept { static_cast<T*>(s)->~T(); }};

    template <typename T>
    static constexpr operations heap_ops{
        [](void* s, Args&&... args) -> R { return (**static_cast<T**>(s))(std::forward<Args>(args)...); },
        [](void* from, void* to) noexcept { ::new (to) T*(*static_cast<T**>(from)); },
        [](void* s) noexcept { delete *static_cast<T**>(s); }};

    void take(inline_function& other) noexcept {
        if (!other.ops_) return;
        other.ops_->move(other.storage_, storage_);
        ops_ = std::exchange(other.ops_, nullptr);
    }
    void reset() noexcept {
        if (ops_) std::exchange(ops_, nullptr)->destroy(storage_);
    }

    alignas(std::max_align_t) mutable std::byte storage_[Capacity];
    const operations* ops_ = nullptr;
};

}  // namespace isapi_fcgi::engine
