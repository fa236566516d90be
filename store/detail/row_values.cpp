// Typed row values from the stored text: each enum's name function, tried on every value of its underlying type.
#include "store/detail/row_values.hpp"

#include <limits>
#include <type_traits>

namespace sipscope::store::detail {

namespace {

// The first value of `Enum` whose name is `name`; `otherwise` when none is.
template <typename Enum, typename NameOf>
Enum valueOfName(std::string_view name, NameOf nameOf, Enum otherwise) {
    using Underlying = std::underlying_type_t<Enum>;
    for (unsigned value = 0; value < std::numeric_limits<Underlying>::max(); ++value) {
        const auto candidate = static_cast<Enum>(value);
        if (nameOf(candidate) == name)
            return candidate;
    }
    return otherwise;
}

}  // namespace

capture::Transport transportOf(std::int64_t stored) {
    using Underlying = std::underlying_type_t<capture::Transport>;
    constexpr auto Unnamed = std::numeric_limits<Underlying>::max();
    return static_cast<capture::Transport>(stored >= 0 && stored < Unnamed ? static_cast<Underlying>(stored) : Unnamed);
}

decode::CallState callStateOf(std::string_view name) {
    return valueOfName(name, decode::callStateName,
                       static_cast<decode::CallState>(std::numeric_limits<std::uint8_t>::max()));
}

decode::CallKind callKindOf(std::string_view name) {
    return valueOfName(name, decode::callKindName, decode::CallKind::Other);
}

}  // namespace sipscope::store::detail
