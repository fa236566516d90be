// Colour choices by meaning, in one place.
#include "viewer/palette.hpp"

#include <array>

namespace sipscope::viewer::palette {

unsigned statusColor(int status) {
    if (status >= 100 && status < 200)
        return Provisional;
    if (status >= 200 && status < 300)
        return Success;
    if (status >= 300 && status < 400)
        return Redirect;
    if (status >= 400 && status < 500)
        return ClientError;
    if (status >= 500)
        return ServerError;
    return Text;
}

unsigned stateColor(decode::CallState state) {
    using decode::CallState;
    switch (state) {
    case CallState::Answered:
    case CallState::Completed:
    case CallState::Done: return Success;
    case CallState::Calling:
    case CallState::Proceeding:
    case CallState::Ringing:
    case CallState::EarlyMedia:
    case CallState::Pending: return Provisional;
    case CallState::Rejected: return ClientError;
    case CallState::Failed: return ServerError;
    case CallState::Cancelled: return Redirect;
    }
    return Text;
}

unsigned legColor(std::size_t leg) {
    static constexpr std::array<unsigned, 8> Hues{rgba(86, 180, 233),  rgba(230, 159, 0),   rgba(0, 158, 115),
                                                  rgba(240, 228, 66),  rgba(204, 121, 167), rgba(213, 94, 0),
                                                  rgba(160, 160, 255), rgba(200, 200, 200)};
    return leg == 0 ? Text : Hues[(leg - 1) % Hues.size()];
}

}  // namespace sipscope::viewer::palette
