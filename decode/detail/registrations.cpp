// REGISTER requests and their final responses, as RegistrationRecords.
#include "decode/detail/registrations.hpp"

#include "decode/detail/expires.hpp"
#include "decode/sip_parser.hpp"

#include <cassert>

namespace sipscope::decode::detail {

namespace {

// "uri;expires=N, ..." for every Contact of a REGISTER's 2xx; at most 4 KiB of text.
std::string bindingsOf(const SipMessageView& message) {
    constexpr std::size_t MaxBindingsText = 4096;
    const int headerExpires = expiresHeader(message);
    std::string out;
    message.forEachElement("Contact", [&](std::string_view element) {
        if (out.size() >= MaxBindingsText)
            return;
        const NameAddr contact = parseNameAddr(element);
        if (contact.uri.empty())
            return;
        if (!out.empty())
            out += ", ";
        out += contact.uri;
        const auto param = findParam(contact.params, "expires");
        const auto seconds = param ? parseDeltaSeconds(*param) : std::nullopt;
        if (seconds)
            out += ";expires=" + std::to_string(*seconds);
        else if (headerExpires >= 0)
            out += ";expires=" + std::to_string(headerExpires);
    });
    return out;
}

}  // namespace

void Registrations::onRequest(std::uint32_t transactionIndex, const SipMessageView& request) {
    assert(request.isRequest() && request.method() == "REGISTER" && "Registrations::onRequest takes REGISTERs only");
    if (m_pending.count(transactionIndex))
        return;  // a retransmission: the first copy said it all
    Request pending;
    pending.aor = std::string(request.to().uri);
    pending.contact = std::string(request.contact().uri);
    pending.expires = expiresHeader(request);
    if (pending.expires < 0)
        pending.expires = contactExpires(request);
    m_pending.emplace(transactionIndex, std::move(pending));
}

void Registrations::onFinalResponse(std::uint32_t transactionIndex, const TransactionRecord& transaction,
                                    const SipMessageView& response, const MessageMeta& meta, std::size_t maxRecords,
                                    std::vector<RegistrationRecord>& out) {
    const auto request = m_pending.find(transactionIndex);
    if (request == m_pending.end())
        return;
    const int status = response.statusCode();
    assert(status >= 200 && "Registrations::onFinalResponse takes final responses only");
    RegistrationRecord registration;
    registration.transactionKey = transaction.key;
    registration.aor = request->second.aor;
    registration.contact = request->second.contact;
    registration.expires = request->second.expires;
    registration.grantedExpires = expiresHeader(response);
    if (registration.grantedExpires < 0)
        registration.grantedExpires = contactExpires(response);
    registration.status = status;
    if (status >= 200 && status < 300)
        registration.bindings = bindingsOf(response);
    registration.requestUs = transaction.startUs;
    registration.responseUs = meta.timestampUs;
    if (out.size() < maxRecords)
        out.push_back(std::move(registration));
    m_pending.erase(request);
}

}  // namespace sipscope::decode::detail
