// The names of the correlator's enumerations, as the store keeps them and the CLI prints them, and the default
// link headers.
#include "decode/correlator.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sipscope::decode {

std::string_view callStateName(CallState state) {
    switch (state) {
    case CallState::Calling: return "calling";
    case CallState::Proceeding: return "proceeding";
    case CallState::Ringing: return "ringing";
    case CallState::EarlyMedia: return "early_media";
    case CallState::Answered: return "answered";
    case CallState::Completed: return "completed";
    case CallState::Cancelled: return "cancelled";
    case CallState::Rejected: return "rejected";
    case CallState::Failed: return "failed";
    case CallState::Done: return "done";
    case CallState::Pending: return "pending";
    }
    return "unknown";
}

std::string_view callKindName(CallKind kind) {
    switch (kind) {
    case CallKind::Call: return "call";
    case CallKind::Registration: return "registration";
    case CallKind::Subscription: return "subscription";
    case CallKind::Options: return "options";
    case CallKind::Message: return "message";
    case CallKind::Publish: return "publish";
    case CallKind::Refer: return "refer";
    case CallKind::Info: return "info";
    case CallKind::Other: return "other";
    }
    return "other";
}

std::string_view sdpRoleName(SdpRole role) {
    switch (role) {
    case SdpRole::None: return "";
    case SdpRole::Offer: return "offer";
    case SdpRole::Answer: return "answer";
    }
    return "";
}

std::vector<std::string> defaultLinkHeaders() {
    // Headers B2BUAs and SBCs commonly put on the outgoing leg: the incoming leg's Call-ID, or a correlation id
    // shared by both legs.
    return {"X-Call-ID", "X-CID", "X-Orig-Call-ID", "X-Original-Call-ID"};
}

std::string_view dialogStateName(DialogState state) {
    switch (state) {
    case DialogState::Early: return "early";
    case DialogState::Confirmed: return "confirmed";
    case DialogState::Terminated: return "terminated";
    }
    return "unknown";
}

}  // namespace sipscope::decode
