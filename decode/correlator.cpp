// Call, transaction and dialog correlation. One Call-ID is one call; inside it, transactions follow RFC 3261
// §17.1.3/§17.2.3 and dialogs §12. Calls that ended or went idle are flushed, so memory stays flat however
// long the capture.
#include "decode/correlator.hpp"

#include "decode/sdp.hpp"
#include "decode/sip_parser.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <unordered_map>

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

namespace {

// [SECTION] Hashing helpers

constexpr std::size_t MaxSignaturesPerCall = 512;    // retransmission memory per call
constexpr std::size_t MaxIndexPerCall = 0xffff;      // keys are (call key << 16) | index
constexpr std::string_view MagicCookie = "z9hG4bK";  // RFC 3261 §8.1.1.7

constexpr std::uint32_t NoSlot = 0xffffffffu;

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

std::uint64_t mix(std::uint64_t seed, std::uint64_t value) {
    std::uint64_t x = seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    return x;
}

std::uint64_t hashText(std::uint64_t seed, std::string_view text) {
    return mix(seed, std::hash<std::string_view>{}(text));
}

std::uint64_t hashEndpoint(std::uint64_t seed, const capture::Endpoint& endpoint) {
    // The 16 address bytes as two words (one mix per byte was a visible part of an import's profile).
    static_assert(sizeof endpoint.ip.bytes == 16);
    std::uint64_t words[2];
    std::memcpy(words, endpoint.ip.bytes.data(), sizeof words);
    return mix(mix(mix(seed, endpoint.port), words[0]), words[1]);
}

// Identity of a message for retransmission detection: the same request or response re-sent on the same hop.
std::uint64_t signature(const SipMessageView& message, const MessageMeta& meta) {
    std::uint64_t h = message.isRequest() ? hashText(1, message.method()) : mix(2, message.statusCode());
    h = mix(h, message.cseq().number);
    h = hashText(h, message.cseq().method);
    h = hashText(h, message.topViaBranch());
    h = hashText(h, message.from().tag);
    h = hashText(h, message.to().tag);
    h = hashEndpoint(h, meta.src);
    return hashEndpoint(h, meta.dst);
}

// RFC 3261 §17.1.3/§17.2.3: branch + sent-by + method, where the ACK of a non-2xx and responses match the INVITE
// (by CSeq method). Without the magic cookie, the RFC 2543 way: CSeq, From tag and sent-by.
std::uint64_t transactionHash(const SipMessageView& message, std::string_view method, bool& isRfc2543) {
    const std::string_view branch = message.topViaBranch();
    isRfc2543 = branch.substr(0, MagicCookie.size()) != MagicCookie;
    std::uint64_t h = hashText(isRfc2543 ? 5 : 4, method);
    h = hashText(h, message.topViaSentBy());
    if (!isRfc2543)
        return hashText(h, branch);
    h = mix(h, message.cseq().number);
    return hashText(h, message.from().tag);
}

// Dialog identity from the two tags in either order: in-dialog requests from the callee swap From and To.
std::uint64_t dialogHash(std::string_view tagA, std::string_view tagB) {
    if (tagB < tagA)
        std::swap(tagA, tagB);
    return hashText(hashText(3, tagA), tagB);
}

bool isRefreshable(std::string_view method) {
    return method == "REGISTER" || method == "SUBSCRIBE" || method == "PUBLISH";
}

// The expires parameter of the first Contact value, or -1.
int contactExpires(const SipMessageView& message) {
    const auto expires = findParam(message.contact().params, "expires");
    const auto seconds = expires ? parseDeltaSeconds(*expires) : std::nullopt;
    return seconds && *seconds <= 0x7fffffffu ? static_cast<int>(*seconds) : -1;
}

// The Expires header as an int, or -1.
int expiresHeader(const SipMessageView& message) {
    const auto seconds = message.expires();
    return seconds && *seconds <= 0x7fffffffu ? static_cast<int>(*seconds) : -1;
}

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

CallKind kindOf(std::string_view method) {
    if (method == "INVITE")
        return CallKind::Call;
    if (method == "REGISTER")
        return CallKind::Registration;
    if (method == "SUBSCRIBE" || method == "NOTIFY")
        return CallKind::Subscription;
    if (method == "OPTIONS")
        return CallKind::Options;
    if (method == "MESSAGE")
        return CallKind::Message;
    if (method == "PUBLISH")
        return CallKind::Publish;
    if (method == "REFER")
        return CallKind::Refer;
    if (method == "INFO")
        return CallKind::Info;
    return CallKind::Other;
}

bool isSubscriptionMethod(std::string_view method) {
    return method == "SUBSCRIBE" || method == "NOTIFY" || method == "PUBLISH" || method == "REFER";
}

// [SECTION] The call's first hop

// RFC 6076's delays are measured on one hop of the call: its first, the hop of its first request. A proxy forwards
// each message on the next hop, with a Via of its own on top, so the copies there do not move the timings.
std::uint64_t branchHash(std::string_view branch) {
    return branch.empty() ? 0 : hashText(9, branch) | 1;  // 0 = no branch
}

// Whether a message travels between the two ends of the call's first request, either way. Over TCP or TLS the side
// that connected has a new port for each connection, so there the addresses decide (when they tell the ends apart).
bool isOnFirstHop(const CallSummary& call, const MessageMeta& meta) {
    const bool isSameEnds =
        (meta.src == call.src && meta.dst == call.dst) || (meta.src == call.dst && meta.dst == call.src);
    const bool hasStablePorts = meta.transport == capture::Transport::Udp || meta.transport == capture::Transport::Sctp;
    if (isSameEnds || hasStablePorts || call.src.ip == call.dst.ip)
        return isSameEnds;
    return (meta.src.ip == call.src.ip && meta.dst.ip == call.dst.ip) ||
           (meta.src.ip == call.dst.ip && meta.dst.ip == call.src.ip);
}

// A time taken on the call's first hop when that hop shows it, else where it was first seen.
struct HopTime {
    std::int64_t us = 0;
    bool isSet = false;
    bool isFirstHop = false;
    // Keeps the first time offered, replaced once by the first one on the first hop. True when it took this one.
    bool offer(std::int64_t atUs, bool onFirstHop) {
        if (isSet && (isFirstHop || !onFirstHop))
            return false;
        us = atUs;
        isSet = true;
        isFirstHop = onFirstHop;
        return true;
    }
};

// What one dialog of an INVITE call gives RFC 6076's SDT and SDD: its 2xx, its first BYE and that BYE's answer,
// each on the call's first hop when seen there.
struct DialogTiming {
    HopTime answered;  // 2xx of the initial INVITE
    HopTime bye;
    std::int64_t byeAnsweredUs = 0;  // final response to that BYE, on the BYE's hop
    std::uint32_t byeCseq = 0;
    std::uint64_t byeBranchHash = 0;  // 0: the BYE had no branch; its response is matched by address
    capture::Endpoint byeSrc;
    capture::Endpoint byeDst;
    bool isByeFromCaller = false;
    std::string byeReason;  // its Reason header (RFC 3326)
};

// A call's initial request that may time out: checked when the capture's clock reaches `atUs`.
struct Deadline {
    std::int64_t atUs = 0;
    std::int64_t attemptUs = 0;  // the attempt it times; a later attempt has its own deadline
    std::uint64_t callKey = 0;
    std::uint32_t slot = 0;
    bool operator>(const Deadline& other) const { return atUs > other.atUs; }
};

// A map from a 64-bit hash to a 32-bit value, open addressing with linear probing: the per-call indexes of
// transactions, dialogs and subscriptions, which only ever grow. One allocation, no node per entry.
class HashIndex {
public:
    const std::uint32_t* find(std::uint64_t key) const {
        // Most calls hold a few transactions and one dialog: those stay inline, in the entry's own cache lines.
        for (std::size_t i = 0; i < m_inlineCount; ++i)
            if (m_inlineKeys[i] == key)
                return &m_inlineValues[i];
        if (m_slots.empty())
            return nullptr;
        const std::size_t mask = m_slots.size() - 1;
        for (std::size_t i = key & mask;; i = (i + 1) & mask) {
            const Slot& slot = m_slots[i];
            if (!slot.used)
                return nullptr;
            if (slot.key == key)
                return &slot.value;
        }
    }
    // Like emplace: a key already present keeps its value.
    void insert(std::uint64_t key, std::uint32_t value) {
        if (find(key))
            return;
        if (m_inlineCount < InlineCapacity) {
            m_inlineKeys[m_inlineCount] = key;
            m_inlineValues[m_inlineCount++] = value;
            return;
        }
        if ((m_size + 1) * 4 > m_slots.size() * 3)
            grow();
        if (place(key, value))
            ++m_size;
    }
    std::size_t size() const { return m_inlineCount + m_size; }

private:
    static constexpr std::size_t InlineCapacity = 4;
    struct Slot {
        std::uint64_t key = 0;
        std::uint32_t value = 0;
        bool used = false;
    };
    bool place(std::uint64_t key, std::uint32_t value) {
        const std::size_t mask = m_slots.size() - 1;
        for (std::size_t i = key & mask;; i = (i + 1) & mask) {
            Slot& slot = m_slots[i];
            if (!slot.used) {
                slot = {key, value, true};
                return true;
            }
            if (slot.key == key)
                return false;
        }
    }
    void grow() {
        std::vector<Slot> old = std::move(m_slots);
        m_slots.assign(old.empty() ? 8 : old.size() * 2, Slot{});
        for (const Slot& slot : old)
            if (slot.used)
                place(slot.key, slot.value);
    }
    std::uint64_t m_inlineKeys[InlineCapacity] = {};
    std::uint32_t m_inlineValues[InlineCapacity] = {};
    std::uint32_t m_inlineCount = 0;
    std::vector<Slot> m_slots;  // the rest
    std::size_t m_size = 0;
};

// The retransmission signatures of a call: the first few inline, the rest (up to MaxSignaturesPerCall) on the heap.
class SignatureSet {
public:
    bool contains(std::uint64_t signature) const {
        for (std::size_t i = 0; i < std::min<std::size_t>(m_count, InlineCapacity); ++i)
            if (m_inline[i] == signature)
                return true;
        return std::find(m_more.begin(), m_more.end(), signature) != m_more.end();
    }
    std::size_t size() const { return m_count; }
    void add(std::uint64_t signature) {
        if (m_count < InlineCapacity)
            m_inline[m_count] = signature;
        else
            m_more.push_back(signature);
        ++m_count;
    }

private:
    static constexpr std::size_t InlineCapacity = 8;
    std::uint64_t m_inline[InlineCapacity] = {};
    std::uint32_t m_count = 0;
    std::vector<std::uint64_t> m_more;
};

struct RegistrationRequest {
    std::string aor;
    std::string contact;
    int expires = -1;
};

struct CallEntry {
    CallSummary summary;
    std::uint32_t initialCseq = 0;  // CSeq of the latest out-of-dialog request of the call's method
    std::string initialFromTag;
    bool isInvite = false;
    bool isFinished = false;
    bool cancelSeen = false;
    bool isTimedOut = false;
    // The latest attempt's top Via branch: its responses on the first hop carry it (those forwarded on other hops
    // carry the proxy's on top). 0 without a branch: responses on the first hop are told by address.
    std::uint64_t attemptBranchHash = 0;
    HopTime provisional;                      // first 1xx other than 100 to the latest attempt
    HopTime finalResponse;                    // its first final response
    std::vector<DialogTiming> dialogTimings;  // [0]: messages without a dialog (or beyond the cap); [i]: dialog i
    SignatureSet signatures;
    HashIndex transactions;                                                   // hash -> index
    HashIndex dialogs;                                                        // hash -> index
    std::unordered_map<std::uint32_t, RegistrationRequest> registerRequests;  // transaction index -> request
    std::uint32_t transactionCount = 0;
    std::uint32_t dialogCount = 0;
    std::uint64_t callIdHash = 0;        // of summary.callId: its key in Impl's table of open calls
    std::uint32_t slot = 0;              // where Impl keeps it
    bool isChangedSinceSnapshot = true;  // a message since Correlator::snapshotChanged last copied it

    // SDP offer/answer (RFC 3264): the latest request that opened an exchange, and whether its offer was in the
    // request (else the INVITE's reliable response or 2xx offers and the ACK/PRACK answers).
    std::uint32_t offerCseq = 0;
    std::string offerMethod;
    bool isOfferInRequest = false;
    bool isResponseOfferPending = false;

    HashIndex subscriptions;  // identity hash -> index + 1 (0 = dropped)
    std::unordered_map<std::uint32_t, std::uint32_t> subscriptionOfTransaction;  // tx index -> subscription index + 1
    std::uint32_t subscriptionCount = 0;
    std::uint32_t lastReferSubscription = 0;  // index + 1 of the latest REFER's subscription
    bool hasHeaderLink = false;
};

// A REFER waiting for the INVITE it asked for (RFC 3515 §2.4.2).
struct PendingTransfer {
    std::string target;  // the Refer-To URI
    std::uint64_t callKey = 0;
    std::int64_t atUs = 0;
};

// What a link value was first seen as: a call's Call-ID (header empty) or the value of a link header.
struct LinkValue {
    std::uint64_t callKey = 0;
    std::string_view header;  // points into CorrelatorLimits::linkHeaders
};

}  // namespace

// [SECTION] Correlator

struct Correlator::Impl {
    CorrelatorLimits limits;
    std::uint64_t nextKey;
    CorrelatorStats stats;
    // The open calls: entries by slot, an open-addressing table from the Call-ID's hash to the slot (the Call-ID
    // itself compared on a hit), and the slots in order of activity, least recently active first.
    // 8 bytes: the upper half of the Call-ID's hash (its low bits place the bucket too) and the slot.
    struct Bucket {
        std::uint32_t tag = 0;
        std::uint32_t slot = NoSlot;  // NoSlot: empty
    };
    static std::uint32_t tagOf(std::uint64_t hash) { return static_cast<std::uint32_t>(hash >> 32); }
    struct LruLink {
        std::uint32_t prev = NoSlot;
        std::uint32_t next = NoSlot;
    };
    std::vector<std::unique_ptr<CallEntry>> entries;  // by slot; null when free
    std::vector<std::uint32_t> freeSlots;
    std::vector<LruLink> lruLinks;  // by slot
    std::uint32_t lruHead = NoSlot;
    std::uint32_t lruTail = NoSlot;
    std::vector<Bucket> table;  // power-of-two size, at most half full
    std::size_t openCount = 0;
    std::vector<CallSummary> evicted;
    SdpParser sdp;
    std::unordered_map<std::string, LinkValue, StringHash, std::equal_to<>> linkValues;
    std::deque<const std::string*> linkOrder;  // keys of linkValues, oldest first (node keys do not move)
    std::deque<PendingTransfer> transfers;     // oldest first
    // Initial requests that may time out, soonest first; at most 2 × maxOpenCalls (stale ones expire on their own).
    std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines;

    std::uint64_t transaction(CallEntry& entry, const SipMessageView& message, const MessageMeta& meta);
    std::uint64_t dialog(CallEntry& entry, const SipMessageView& message, const MessageMeta& meta);
    void update(CallEntry& entry, const SipMessageView& message, const MessageMeta& meta, std::uint64_t dialogKey);
    void newAttempt(CallEntry& entry, const SipMessageView& message, const MessageMeta& meta);
    bool settleDialogs(CallEntry& entry);
    void expire(std::int64_t nowUs);
    void sessionChange(CallEntry& entry, const SipMessageView& message);
    SdpRole sdpRole(CallEntry& entry, const SipMessageView& message);
    void subscription(CallEntry& entry, const SipMessageView& message, const MessageMeta& meta,
                      const Correlation& correlation);
    void endSubscriptionDialog(CallEntry& entry, const SubscriptionRecord& subscription, std::int64_t atUs);
    void linkCalls(CallEntry& entry, const SipMessageView& message, const MessageMeta& meta, bool isNewCall);
    void addLink(CallEntry& entry, std::uint64_t otherKey, std::string_view kind, std::string detail);
    const LinkValue* rememberLinkValue(std::string_view value, std::uint64_t callKey, std::string_view header);

    static std::uint64_t callIdHash(std::string_view callId) {
        return mix(0x43616c6c, std::hash<std::string_view>{}(callId));
    }
    // The slot of the open call with this Call-ID, or NoSlot.
    std::uint32_t findCall(std::string_view callId, std::uint64_t hash) const {
        if (table.empty())
            return NoSlot;
        const std::size_t mask = table.size() - 1;
        const std::uint32_t tag = tagOf(hash);
        for (std::size_t i = tag & mask;; i = (i + 1) & mask) {
            const Bucket& bucket = table[i];
            if (bucket.slot == NoSlot)
                return NoSlot;
            if (bucket.tag == tag && entries[bucket.slot]->summary.callId == callId)
                return bucket.slot;
        }
    }
    std::uint32_t findCall(std::string_view callId) const { return findCall(callId, callIdHash(callId)); }
    void placeBucket(std::uint32_t tag, std::uint32_t slot) {
        const std::size_t mask = table.size() - 1;
        std::size_t i = tag & mask;
        while (table[i].slot != NoSlot)
            i = (i + 1) & mask;
        table[i] = {tag, slot};
    }
    // Opens a call: a fresh entry in a free slot, at the most recent end of the activity list.
    std::uint32_t openCall(std::string_view callId, std::uint64_t hash) {
        if ((openCount + 1) * 2 > table.size()) {
            std::vector<Bucket> old = std::move(table);
            table.assign(old.empty() ? 1024 : old.size() * 2, Bucket{});
            for (const Bucket& bucket : old)
                if (bucket.slot != NoSlot)
                    placeBucket(bucket.tag, bucket.slot);
        }
        std::uint32_t slot;
        if (!freeSlots.empty()) {
            slot = freeSlots.back();
            freeSlots.pop_back();
        } else {
            slot = static_cast<std::uint32_t>(entries.size());
            entries.emplace_back();
            lruLinks.emplace_back();
        }
        entries[slot] = std::make_unique<CallEntry>();
        entries[slot]->summary.callId = std::string(callId);
        entries[slot]->callIdHash = hash;
        entries[slot]->slot = slot;
        placeBucket(tagOf(hash), slot);
        ++openCount;
        lruAppend(slot);
        return slot;
    }
    void lruUnlink(std::uint32_t slot) {
        LruLink& link = lruLinks[slot];
        (link.prev == NoSlot ? lruHead : lruLinks[link.prev].next) = link.next;
        (link.next == NoSlot ? lruTail : lruLinks[link.next].prev) = link.prev;
        link = {};
    }
    void lruAppend(std::uint32_t slot) {
        lruLinks[slot] = {lruTail, NoSlot};
        (lruTail == NoSlot ? lruHead : lruLinks[lruTail].next) = slot;
        lruTail = slot;
    }
    void touch(std::uint32_t slot) {
        if (slot == lruTail)
            return;
        lruUnlink(slot);
        lruAppend(slot);
    }
    // Removes the call's bucket from the table (backward-shift deletion keeps every probe chain unbroken).
    void eraseBucket(std::uint64_t hash, std::uint32_t slot) {
        const std::size_t mask = table.size() - 1;
        std::size_t i = tagOf(hash) & mask;
        while (table[i].slot != slot)
            i = (i + 1) & mask;
        for (std::size_t j = (i + 1) & mask;; j = (j + 1) & mask) {
            if (table[j].slot == NoSlot)
                break;
            const std::size_t home = table[j].tag & mask;
            // Move j back into the hole at i unless its home lies cyclically in (i, j].
            const bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!stays) {
                table[i] = table[j];
                i = j;
            }
        }
        table[i] = Bucket{};
    }
    // Closes a call: its summary moved to `out`, its slot freed.
    void flush(std::uint32_t slot, std::vector<CallSummary>& out) {
        CallEntry& entry = *entries[slot];
        lruUnlink(slot);
        eraseBucket(entry.callIdHash, slot);
        out.push_back(std::move(entry.summary));
        entries[slot].reset();
        freeSlots.push_back(slot);
        --openCount;
    }
};

Correlator::Correlator(std::uint64_t firstCallKey, CorrelatorLimits limits) : m_impl(std::make_unique<Impl>()) {
    m_impl->limits = limits;
    m_impl->nextKey = firstCallKey ? firstCallKey : 1;
}

Correlator::~Correlator() = default;

Correlation Correlator::onMessage(const SipMessageView& message, const MessageMeta& meta) {
    Impl& d = *m_impl;
    const std::string_view callId = message.callId();
    if (callId.empty()) {
        ++d.stats.messagesWithoutCallId;
        return {};
    }
    const std::uint64_t hash = Impl::callIdHash(callId);
    // The bucket is most likely a cache miss: start loading it, and compute the signature (which does not need
    // the call) meanwhile.
    if (!d.table.empty())
        __builtin_prefetch(&d.table[Impl::tagOf(hash) & (d.table.size() - 1)]);
    const std::uint64_t sig = signature(message, meta);
    std::uint32_t slot = d.findCall(callId, hash);
    const bool isNewCall = slot == NoSlot;
    if (isNewCall) {
        if (d.openCount >= d.limits.maxOpenCalls && d.lruHead != NoSlot) {
            ++d.stats.callsEvictedForSpace;
            d.flush(d.lruHead, d.evicted);
        }
        slot = d.openCall(callId, hash);
        CallEntry& entry = *d.entries[slot];
        entry.summary.key = d.nextKey++;
        entry.summary.startUs = meta.timestampUs;
        entry.summary.src = meta.src;
        entry.summary.dst = meta.dst;
        ++d.stats.callsOpened;
    } else {
        d.touch(slot);
    }
    CallEntry& entry = *d.entries[slot];

    Correlation result;
    result.callKey = entry.summary.key;
    if (entry.signatures.contains(sig)) {
        result.isRetransmission = true;
        ++entry.summary.retransmissions;
    } else if (entry.signatures.size() < MaxSignaturesPerCall) {
        entry.signatures.add(sig);
    }
    ++entry.summary.messages;
    entry.summary.endUs = std::max(entry.summary.endUs, meta.timestampUs);
    entry.isChangedSinceSnapshot = true;
    result.transactionKey = d.transaction(entry, message, meta);
    result.dialogKey = d.dialog(entry, message, meta);
    if (!result.isRetransmission) {
        d.update(entry, message, meta, result.dialogKey);
        const std::string_view method = message.isRequest() ? message.method() : message.cseq().method;
        if (isSubscriptionMethod(method))
            d.subscription(entry, message, meta, result);
        d.linkCalls(entry, message, meta, isNewCall);
    }
    // An INVITE without a body still opens an exchange: its 2xx will offer (RFC 3261 §13.2.1).
    if (!message.body().empty() || (message.isRequest() && message.method() == "INVITE"))
        result.sdpRole = d.sdpRole(entry, message);
    return result;
}

std::uint64_t Correlator::Impl::transaction(CallEntry& entry, const SipMessageView& message, const MessageMeta& meta) {
    CallSummary& call = entry.summary;
    const bool isRequest = message.isRequest();
    const std::string_view method = isRequest ? message.method() : message.cseq().method;
    bool isRfc2543 = false;
    // The ACK of a non-2xx shares the INVITE's branch and belongs to its transaction; the ACK of a 2xx has a
    // branch of its own and is a transaction by itself (RFC 3261 §17.1.1.3, §13.2.2.4).
    std::uint64_t hash = transactionHash(message, method == "ACK" ? std::string_view("INVITE") : method, isRfc2543);
    const std::uint32_t* found = entry.transactions.find(hash);
    if (!found && method == "ACK") {
        hash = transactionHash(message, method, isRfc2543);
        found = entry.transactions.find(hash);
    }
    std::uint32_t index;
    if (found) {
        index = *found;
    } else {
        if (entry.transactionCount >= MaxIndexPerCall)
            return 0;
        index = ++entry.transactionCount;
        entry.transactions.insert(hash, index);
        if (call.transactions.size() < limits.maxTransactionsPerCall) {
            TransactionRecord& record = call.transactions.emplace_back();
            record.key = (call.key << 16) | index;
            record.method = std::string(method);
            record.startUs = meta.timestampUs;
            record.isOrphan = !isRequest;
            record.isRfc2543 = isRfc2543;
            if (method == "CANCEL") {
                // RFC 3261 §9.1: a CANCEL carries the branch of the INVITE it cancels.
                if (const std::uint32_t* invite =
                        entry.transactions.find(transactionHash(message, "INVITE", isRfc2543)))
                    record.cancelledKey = (call.key << 16) | *invite;
            }
        } else {
            ++call.recordsDropped;
        }
    }
    const std::uint64_t key = (call.key << 16) | index;
    if (index <= call.transactions.size() && call.transactions[index - 1].key == key) {
        TransactionRecord& record = call.transactions[index - 1];
        if (isRequest) {
            ++record.requests;
            if (message.method() == "REGISTER" && !entry.registerRequests.count(index)) {
                RegistrationRequest request;
                request.aor = std::string(message.to().uri);
                request.contact = std::string(message.contact().uri);
                request.expires = expiresHeader(message);
                if (request.expires < 0)
                    request.expires = contactExpires(message);
                entry.registerRequests.emplace(index, std::move(request));
            }
        } else {
            ++record.responses;
            const int status = message.statusCode();
            if (status < 200 && status > 100 && record.firstProvisionalUs == 0)
                record.firstProvisionalUs = meta.timestampUs;
            if (status >= 200 && record.finalStatus == 0) {
                record.finalStatus = status;
                record.finalUs = meta.timestampUs;
                const auto request = entry.registerRequests.find(index);
                if (request != entry.registerRequests.end()) {
                    RegistrationRecord registration;
                    registration.transactionKey = key;
                    registration.aor = request->second.aor;
                    registration.contact = request->second.contact;
                    registration.expires = request->second.expires;
                    registration.grantedExpires = expiresHeader(message);
                    if (registration.grantedExpires < 0)
                        registration.grantedExpires = contactExpires(message);
                    registration.status = status;
                    if (status >= 200 && status < 300)
                        registration.bindings = bindingsOf(message);
                    registration.requestUs = record.startUs;
                    registration.responseUs = meta.timestampUs;
                    if (call.registrations.size() < limits.maxTransactionsPerCall)
                        call.registrations.push_back(std::move(registration));
                    entry.registerRequests.erase(request);
                }
            }
        }
    }
    return key;
}

std::uint64_t Correlator::Impl::dialog(CallEntry& entry, const SipMessageView& message, const MessageMeta& meta) {
    const std::string_view fromTag = message.from().tag;
    const std::string_view toTag = message.to().tag;
    if (fromTag.empty() || toTag.empty())
        return 0;
    CallSummary& call = entry.summary;
    const int status = message.statusCode();
    const std::uint64_t hash = dialogHash(fromTag, toTag);
    const std::uint32_t* found = entry.dialogs.find(hash);
    std::uint32_t index;
    if (found) {
        index = *found;
    } else {
        // RFC 3261 §12: only INVITE creates dialogs here (and SUBSCRIBE/REFER/NOTIFY, RFC 6665); REGISTER, OPTIONS,
        // MESSAGE, PUBLISH and CANCEL answered with a To tag outside a dialog do not make one.
        const std::string_view method = message.cseq().method;
        const bool isOutOfDialogMethod = method == "REGISTER" || method == "OPTIONS" || method == "MESSAGE" ||
                                         method == "PUBLISH" || method == "CANCEL";
        // Failure responses and the ACK of a failure do not create dialogs; only 101–299 responses and requests
        // inside a dialog whose setup is not in the capture.
        const bool createsDialog = message.isResponse() ? status > 100 && status < 300 : message.method() != "ACK";
        if (entry.dialogCount >= limits.maxDialogsPerCall || !createsDialog || isOutOfDialogMethod)
            return 0;
        index = ++entry.dialogCount;
        entry.dialogs.insert(hash, index);
        DialogRecord& record = call.dialogRecords.emplace_back();
        record.key = (call.key << 16) | index;
        record.fromTag = std::string(fromTag);
        record.toTag = std::string(toTag);
        record.createdUs = meta.timestampUs;
        // A request inside a dialog we did not see being set up: the dialog exists, so call it confirmed.
        record.state = message.isRequest() ? DialogState::Confirmed : DialogState::Early;
        call.dialogs = entry.dialogCount;
    }
    DialogRecord& record = call.dialogRecords[index - 1];
    const std::string_view cseqMethod = message.cseq().method;
    if (message.isResponse() && record.state != DialogState::Terminated) {
        // RFC 6665 §4.1.2.4: a SUBSCRIBE's (or REFER's) 2xx, or a NOTIFY's, sets up a subscription's dialog too.
        const bool setsUp =
            cseqMethod == "INVITE" || cseqMethod == "SUBSCRIBE" || cseqMethod == "REFER" || cseqMethod == "NOTIFY";
        if (setsUp && status >= 200 && status < 300 && record.confirmedUs == 0) {
            record.state = DialogState::Confirmed;
            record.confirmedUs = meta.timestampUs;
        } else if (cseqMethod == "INVITE" && status >= 300 && record.confirmedUs == 0) {
            record.state = DialogState::Terminated;  // an early dialog ends with the failure (RFC 3261 §12.3)
            record.terminatedUs = meta.timestampUs;
        } else if (cseqMethod == "BYE" && status >= 200) {
            record.state = DialogState::Terminated;
            record.terminatedUs = meta.timestampUs;
        } else if ((status == 481 || status == 408) && record.state == DialogState::Confirmed) {
            record.state = DialogState::Terminated;  // RFC 3261 §12.2.1.2: the dialog is gone
            record.terminatedUs = meta.timestampUs;
        }
    }
    return record.key;
}

void Correlator::Impl::sessionChange(CallEntry& entry, const SipMessageView& message) {
    CallSummary& call = entry.summary;
    const std::string_view body = message.sdp();
    if (body.empty())
        return;
    const SessionDescriptionView& session = sdp.parse(body);
    bool anyActive = false;
    bool anySendingBothWays = false;
    bool anyMedia = false;
    for (const MediaDescriptionView& media : session.media()) {
        if (media.port == 0)
            continue;
        anyMedia = true;
        const bool isHeld = session.isHold(media);
        anyActive = anyActive || !isHeld;
        anySendingBothWays =
            anySendingBothWays || (!isHeld && session.effectiveDirection(media) == MediaDirection::SendRecv);
    }
    if (!anyMedia)
        return;
    if (!anyActive && !call.isOnHold) {
        call.isOnHold = true;
        ++call.holds;
    } else if (anySendingBothWays && call.isOnHold) {
        // Only sending again takes a call off hold: the recvonly answer to a sendonly hold (RFC 3264 §8.4), or
        // another sendonly offer after a 491 (glare), leaves it held.
        call.isOnHold = false;
        ++call.resumes;
    }
}

// The initial request was sent (again with credentials after 401/407): RFC 6076 times this attempt, on its hop.
void Correlator::Impl::newAttempt(CallEntry& entry, const SipMessageView& message, const MessageMeta& meta) {
    CallSummary& call = entry.summary;
    entry.initialCseq = message.cseq().number;
    entry.attemptBranchHash = branchHash(message.topViaBranch());
    entry.provisional = {};
    entry.finalResponse = {};
    call.attemptUs = meta.timestampUs;
    call.firstProvisionalUs = 0;
    call.finalUs = 0;
    if (!entry.isInvite)
        call.answeredUs = 0;
    if (call.finalStatus >= 300) {
        // A new attempt after a failure (credentials after 401/407, a redirect's target): under way again.
        call.finalStatus = 0;
        call.state = entry.isInvite ? CallState::Calling : CallState::Pending;
        entry.isFinished = false;
    }
    // An ACK is never answered (a capture that starts with one starts inside a call).
    if (limits.transactionTimeoutUs <= 0 || message.method() == "ACK")
        return;
    if (deadlines.size() >= 2 * limits.maxOpenCalls) {
        ++stats.timeoutsUntracked;
        return;
    }
    deadlines.push({meta.timestampUs + limits.transactionTimeoutUs, meta.timestampUs, call.key, entry.slot});
}

// Sets the call's answer, BYE, SDD and who ended it from the dialog the caller kept: of the dialogs a 2xx to the
// initial INVITE confirmed, one not ended yet (the first answered), else the one ended last. A caller answered by
// two forks ends the extra dialogs at once (RFC 3261 §13.2.2.4) and talks on the other. Without a confirmed dialog,
// the first BYE. Returns whether the call is over (the kept dialog was ended by BYE).
bool Correlator::Impl::settleDialogs(CallEntry& entry) {
    CallSummary& call = entry.summary;
    // The caller's dialogs are those of the 2xx on the first hop: an element on the way may answer the caller
    // with a To tag other than the callee's (seen in sngrep's ipv6frag.pcap).
    bool isAnyAnsweredOnFirstHop = false;
    for (const DialogTiming& timing : entry.dialogTimings)
        isAnyAnsweredOnFirstHop = isAnyAnsweredOnFirstHop || (timing.answered.isSet && timing.answered.isFirstHop);
    const DialogTiming* kept = nullptr;
    for (const DialogTiming& timing : entry.dialogTimings) {
        if (!timing.answered.isSet || (isAnyAnsweredOnFirstHop && !timing.answered.isFirstHop))
            continue;
        bool isBetter = kept == nullptr;
        if (!isBetter && kept->bye.isSet != timing.bye.isSet)
            isBetter = !timing.bye.isSet;
        else if (!isBetter && timing.bye.isSet)
            isBetter = timing.bye.us > kept->bye.us;
        else if (!isBetter)
            isBetter = timing.answered.us < kept->answered.us;
        if (isBetter)
            kept = &timing;
    }
    const DialogTiming* ended = kept;  // where the call's BYE is
    if (kept == nullptr || !kept->bye.isSet) {
        // A 2xx or a BYE without a To tag (some test tools send them) belongs to no dialog ([0]): it pairs with
        // the first BYE of a dialog no 2xx confirmed, or the kept dialog with it.
        const DialogTiming* unattributed = entry.dialogTimings.empty() ? nullptr : &entry.dialogTimings[0];
        const bool isKeptUnattributed = kept == nullptr || kept == unattributed;
        for (const DialogTiming& timing : entry.dialogTimings) {
            const bool pairs = isKeptUnattributed ? !timing.answered.isSet : &timing == unattributed;
            if (timing.bye.isSet && pairs && (ended == nullptr || !ended->bye.isSet || timing.bye.us < ended->bye.us))
                ended = &timing;
        }
    }
    call.answeredUs = kept ? kept->answered.us : 0;
    const bool isOver = ended != nullptr && ended->bye.isSet;
    call.byeUs = isOver ? ended->bye.us : 0;
    call.byeAnsweredUs = isOver ? ended->byeAnsweredUs : 0;
    if (!isOver)
        return false;
    call.endedBy = ended->isByeFromCaller ? "caller" : "callee";
    if (!ended->byeReason.empty())
        call.reason = ended->byeReason;
    return true;
}

void Correlator::Impl::update(CallEntry& entry, const SipMessageView& message, const MessageMeta& meta,
                              std::uint64_t dialogKey) {
    CallSummary& call = entry.summary;
    const CSeq& cseq = message.cseq();
    // The timings of the dialog this message belongs to ([0] without one).
    auto dialogTiming = [&entry, dialogKey]() -> DialogTiming& {
        const auto index = static_cast<std::size_t>(dialogKey & 0xffff);
        if (entry.dialogTimings.size() <= index)
            entry.dialogTimings.resize(index + 1);
        return entry.dialogTimings[index];
    };

    if (message.isRequest()) {
        const std::string_view method = message.method();
        const bool isInitial = message.to().tag.empty();
        if (!call.hasFirstRequest) {
            call.hasFirstRequest = true;
            call.method = std::string(method);
            call.src = meta.src;
            call.dst = meta.dst;
            call.fromUri = std::string(message.from().uri);
            call.fromUser = std::string(message.from().user);
            call.toUri = std::string(message.to().uri);
            call.toUser = std::string(message.to().user);
            entry.initialFromTag = std::string(message.from().tag);
            entry.isInvite = method == "INVITE";
            call.kind = kindOf(method);
            call.state = entry.isInvite ? CallState::Calling : CallState::Pending;
            newAttempt(entry, message, meta);
        } else if (method == call.method && isInitial && cseq.number != entry.initialCseq) {
            // RFC 3261 §22.2: a request re-sent with credentials after 401/407 is the same call attempt. Through a
            // proxy the caller's copy comes first; the proxy's, on the next hop, has the same CSeq.
            newAttempt(entry, message, meta);
        }
        if (entry.isInvite) {
            const bool isCaller = message.from().tag == entry.initialFromTag;
            if (method == "CANCEL") {
                entry.cancelSeen = true;
                call.endedBy = "caller";
                if (const auto reason = message.header("Reason"); !reason.empty())
                    call.reason = std::string(reason);
            } else if (method == "BYE") {
                DialogTiming& timing = dialogTiming();
                if (timing.bye.offer(meta.timestampUs, isOnFirstHop(call, meta))) {
                    timing.byeCseq = cseq.number;
                    timing.byeBranchHash = branchHash(message.topViaBranch());
                    timing.byeSrc = meta.src;
                    timing.byeDst = meta.dst;
                    timing.byeAnsweredUs = 0;
                    timing.isByeFromCaller = isCaller;
                    timing.byeReason = std::string(message.header("Reason"));
                }
                if (settleDialogs(entry)) {
                    if (call.state == CallState::Answered || call.state == CallState::Completed)
                        call.state = CallState::Completed;
                    entry.isFinished = true;
                    // The other forks' early dialogs end with the call.
                    for (DialogRecord& dialog : call.dialogRecords) {
                        if (dialog.state == DialogState::Early) {
                            dialog.state = DialogState::Terminated;
                            dialog.terminatedUs = meta.timestampUs;
                        }
                    }
                }
            } else if ((method == "INVITE" && !isInitial) || method == "UPDATE") {
                if (method == "INVITE")
                    ++call.reinvites;
                sessionChange(entry, message);
            }
        }
        return;
    }

    // Responses.
    const int status = message.statusCode();
    if (status == 491)
        call.hasGlare = true;
    if (!call.hasFirstRequest) {
        // Only responses so far (the request is outside the capture): describe the call from them.
        if (call.fromUri.empty()) {
            call.kind = kindOf(cseq.method);
            call.fromUri = std::string(message.from().uri);
            call.fromUser = std::string(message.from().user);
            call.toUri = std::string(message.to().uri);
            call.toUser = std::string(message.to().user);
        }
        return;
    }
    if (entry.isInvite && cseq.method == "BYE" && status >= 200) {
        // SDD: the BYE and its answer on the same hop (a proxy's copy of the BYE has the proxy's branch on top).
        DialogTiming& timing = dialogTiming();
        const bool isItsAnswer = timing.byeBranchHash != 0 ? branchHash(message.topViaBranch()) == timing.byeBranchHash
                                                           : meta.src == timing.byeDst && meta.dst == timing.byeSrc;
        if (timing.bye.isSet && timing.byeAnsweredUs == 0 && cseq.number == timing.byeCseq && isItsAnswer) {
            timing.byeAnsweredUs = meta.timestampUs;
            settleDialogs(entry);
        }
    }
    if (entry.isInvite && cseq.method == "INVITE" && cseq.number != entry.initialCseq && status >= 200 && status < 300)
        sessionChange(entry, message);  // the answer to a re-INVITE
    if (cseq.method != call.method || cseq.number != entry.initialCseq)
        return;  // responses to other transactions (CANCEL, PRACK, BYE, re-INVITE) do not set the outcome
    const bool isOnAttemptHop = entry.attemptBranchHash != 0
                                    ? branchHash(message.topViaBranch()) == entry.attemptBranchHash
                                    : isOnFirstHop(call, meta);
    if (status > 100 && status < 200 && entry.provisional.offer(meta.timestampUs, isOnAttemptHop))
        call.firstProvisionalUs = entry.provisional.us;
    if (status >= 200 && entry.finalResponse.offer(meta.timestampUs, isOnAttemptHop))
        call.finalUs = entry.finalResponse.us;
    if (entry.isInvite) {
        if (status >= 200 && status < 300) {
            // Each fork's 2xx answers its own dialog; the call's answer is that of the dialog kept.
            if (dialogTiming().answered.offer(meta.timestampUs, isOnAttemptHop))
                settleDialogs(entry);
        }
        if (status < 200) {
            if (call.state == CallState::Calling || call.state == CallState::Proceeding)
                call.state = (status == 180 || status == 183) ? CallState::Ringing : CallState::Proceeding;
            // RFC 3960: SDP in a provisional response sets up media before the answer; the call stays in early
            // media until its final response.
            if (status > 100 && !message.sdp().empty()) {
                call.hasEarlyMedia = true;
                if (call.state == CallState::Calling || call.state == CallState::Proceeding ||
                    call.state == CallState::Ringing)
                    call.state = CallState::EarlyMedia;
            }
        } else if (call.finalStatus == 0 || call.finalStatus >= 300) {
            call.finalStatus = status;
            if (entry.isTimedOut) {
                entry.isTimedOut = false;  // a late final response says what became of the call after all
                call.reason.clear();
            }
            if (status < 300) {
                call.state = CallState::Answered;
                entry.isFinished = false;
                sessionChange(entry, message);
            } else {
                // RFC 6076's ISA: a 408 or a server failure is an ineffective attempt, the network's or a server's
                // doing; the other failures are the callee's answer.
                const bool isFailure = status == 408 || (status >= 500 && status < 600);
                call.state = (status == 487 || entry.cancelSeen) ? CallState::Cancelled
                             : isFailure                         ? CallState::Failed
                                                                 : CallState::Rejected;
                if (call.reason.empty() || (status != 401 && status != 407)) {
                    const auto reason = message.header("Reason");
                    call.reason = std::string(reason.empty() ? message.reasonPhrase() : reason);
                }
                if (status != 487 && !entry.cancelSeen)
                    call.endedBy = "callee";
                // 401/407 usually lead to a new INVITE with credentials; the call is not over until idle.
                entry.isFinished = status != 401 && status != 407;
            }
        }
    } else if (status >= 200) {
        call.finalStatus = status;
        call.state = status < 300 ? CallState::Done : CallState::Failed;
        call.answeredUs = status < 300 ? call.finalUs : 0;
        if (entry.isTimedOut) {
            entry.isTimedOut = false;
            call.reason.clear();
        }
        entry.isFinished = !isRefreshable(call.method) && status != 401 && status != 407;
    }
}

// Fails the calls whose initial request got no final response by `nowUs` (the capture's clock): an INVITE that
// got no response at all by Timer B, any other request by Timer F (RFC 3261 §17.1.1.2, §17.1.2.2).
void Correlator::Impl::expire(std::int64_t nowUs) {
    while (!deadlines.empty() && deadlines.top().atUs <= nowUs) {
        const Deadline deadline = deadlines.top();
        deadlines.pop();
        if (deadline.slot >= entries.size() || !entries[deadline.slot])
            continue;
        CallEntry& entry = *entries[deadline.slot];
        CallSummary& call = entry.summary;
        if (call.key != deadline.callKey || call.attemptUs != deadline.attemptUs)
            continue;  // another call in the slot, or a later attempt with its own deadline
        const bool isUnanswered = entry.isInvite ? call.state == CallState::Calling : call.state == CallState::Pending;
        if (!isUnanswered)
            continue;
        call.state = CallState::Failed;
        call.reason = "timeout";
        entry.isTimedOut = true;
        entry.isFinished = true;
        entry.isChangedSinceSnapshot = true;
        touch(deadline.slot);  // changed now: a live snapshot hands it out again
        ++stats.callsTimedOut;
    }
}

// [SECTION] SDP offer/answer

SdpRole Correlator::Impl::sdpRole(CallEntry& entry, const SipMessageView& message) {
    const bool hasSdp = !message.sdp().empty();
    const CSeq& cseq = message.cseq();
    if (message.isRequest()) {
        const std::string_view method = message.method();
        if (method == "INVITE") {
            // RFC 3261 §13.2.1: an INVITE offers, or leaves the offer to the reliable 18x or the 2xx.
            entry.offerCseq = cseq.number;
            entry.offerMethod = method;
            entry.isOfferInRequest = hasSdp;
            entry.isResponseOfferPending = false;
            return hasSdp ? SdpRole::Offer : SdpRole::None;
        }
        if (!hasSdp)
            return SdpRole::None;
        if (method == "ACK" || (method == "PRACK" && entry.isResponseOfferPending)) {
            entry.isResponseOfferPending = false;
            return SdpRole::Answer;
        }
        // UPDATE (RFC 3311), PRACK with a new offer (RFC 3262 §5), and anything else carrying SDP offers.
        entry.offerCseq = cseq.number;
        entry.offerMethod = method;
        entry.isOfferInRequest = true;
        return SdpRole::Offer;
    }
    const int status = message.statusCode();
    if (!hasSdp || status <= 100 || status >= 300 || cseq.number != entry.offerCseq || cseq.method != entry.offerMethod)
        return SdpRole::None;
    if (entry.isOfferInRequest)
        return SdpRole::Answer;
    if (cseq.method == "INVITE") {
        entry.isResponseOfferPending = true;
        return SdpRole::Offer;
    }
    return SdpRole::None;
}

// [SECTION] Subscriptions

// A dialog that only carried a subscription ends with it (RFC 6665 §4.4.1); an INVITE's dialog does not.
void Correlator::Impl::endSubscriptionDialog(CallEntry& entry, const SubscriptionRecord& subscription,
                                             std::int64_t atUs) {
    const auto index = static_cast<std::size_t>(subscription.dialogKey & 0xffff);
    if (entry.isInvite || index == 0 || index > entry.summary.dialogRecords.size())
        return;
    DialogRecord& dialog = entry.summary.dialogRecords[index - 1];
    if (dialog.key == subscription.dialogKey && dialog.state != DialogState::Terminated) {
        dialog.state = DialogState::Terminated;
        dialog.terminatedUs = atUs;
    }
}

void Correlator::Impl::subscription(CallEntry& entry, const SipMessageView& message, const MessageMeta& meta,
                                    const Correlation& correlation) {
    CallSummary& call = entry.summary;
    const auto txIndex = static_cast<std::uint32_t>(correlation.transactionKey & 0xffff);
    std::uint32_t index = 0;  // index + 1 into call.subscriptions; 0 = none
    if (message.isRequest()) {
        const std::string_view method = message.method();
        // RFC 6665 §4.1.2: a subscription is identified by its dialog, Event package and id; the subscriber's tag
        // is the From tag of its SUBSCRIBE and the To tag of the NOTIFYs. A PUBLISH has no dialog: its entity and
        // package (RFC 3903 §4).
        std::string_view package, id;
        std::string referId;
        if (method == "REFER") {
            package = "refer";  // RFC 3515 §2.4.4: the implicit subscription's id is the REFER's CSeq
            referId = std::to_string(message.cseq().number);
            id = referId;
        } else if (const auto event = message.event()) {
            package = event->package;
            id = event->id;
        }
        std::uint64_t hash;
        if (method == "PUBLISH")
            hash = hashText(hashText(8, message.to().uri), package);
        else
            hash = hashText(hashText(hashText(7, method == "NOTIFY" ? message.to().tag : message.from().tag), package),
                            id);  // = subscriberHash(tag) below
        auto subscriberHash = [&](std::string_view tag) { return hashText(hashText(hashText(7, tag), package), id); };
        const std::uint32_t* found = entry.subscriptions.find(hash);
        if (!found && method == "NOTIFY") {
            // Some notifiers do not swap From and To in their NOTIFYs; the subscriber's tag is then in From.
            found = entry.subscriptions.find(subscriberHash(message.from().tag));
        }
        if (found) {
            index = *found;
        } else if (method == "NOTIFY" && package == "refer" && id.empty() && entry.lastReferSubscription) {
            index = entry.lastReferSubscription;  // RFC 3515 §2.4.6: the first REFER's NOTIFY may omit the id
        } else {
            if (call.subscriptions.size() >= limits.maxSubscriptionsPerCall) {
                // Remember a few dropped identities so their NOTIFYs are not counted again; never more than that.
                if (entry.subscriptions.size() < 2 * limits.maxSubscriptionsPerCall)
                    entry.subscriptions.insert(hash, 0);
                ++call.recordsDropped;
                return;
            }
            SubscriptionRecord& record = call.subscriptions.emplace_back();
            record.key = (call.key << 16) | ++entry.subscriptionCount;
            record.method = std::string(method);
            record.event = std::string(package);
            record.eventId = std::string(id);
            const bool isFromNotifier = method == "NOTIFY";
            record.resource = std::string(isFromNotifier ? message.from().uri : message.to().uri);
            record.subscriber = std::string(isFromNotifier ? message.to().uri : message.from().uri);
            record.startUs = meta.timestampUs;
            index = static_cast<std::uint32_t>(call.subscriptions.size());
            entry.subscriptions.insert(hash, index);
        }
        if (index == 0)
            return;
        SubscriptionRecord& record = call.subscriptions[index - 1];
        record.lastUs = meta.timestampUs;
        if (record.dialogKey == 0)
            record.dialogKey = correlation.dialogKey;
        if (txIndex)
            entry.subscriptionOfTransaction[txIndex] = index;
        if (method == "NOTIFY") {
            ++record.notifies;
            if (const auto state = message.subscriptionState()) {
                record.state = std::string(state->state);
                record.reason = std::string(state->reason);
                record.stateExpires =
                    state->expires ? static_cast<int>(std::min<std::uint32_t>(*state->expires, 0x7fffffff)) : -1;
                if (state->state == "terminated") {
                    if (record.terminatedUs == 0)
                        record.terminatedUs = meta.timestampUs;
                    endSubscriptionDialog(entry, record, meta.timestampUs);
                }
            }
        } else {
            ++record.requests;
            if (method == "REFER")
                entry.lastReferSubscription = index;
            record.expires = expiresHeader(message);
            if (method == "PUBLISH")
                record.ifMatch = std::string(message.header("SIP-If-Match"));
            if (record.state == "rejected")
                record.state.clear();  // a retry, e.g. with credentials after 401/407
        }
    } else {
        if (const auto found = entry.subscriptionOfTransaction.find(txIndex);
            found != entry.subscriptionOfTransaction.end())
            index = found->second;
        const int status = message.statusCode();
        if (index == 0 || status < 200 || message.cseq().method == "NOTIFY") {
            if (index && message.cseq().method == "NOTIFY" && (status == 481 || status == 489)) {
                SubscriptionRecord& record = call.subscriptions[index - 1];
                record.state = "terminated";  // the subscriber no longer knows it (RFC 6665 §4.1.3)
                if (record.terminatedUs == 0)
                    record.terminatedUs = meta.timestampUs;
            }
            return;
        }
        SubscriptionRecord& record = call.subscriptions[index - 1];
        record.lastUs = meta.timestampUs;
        record.status = status;
        if (record.dialogKey == 0)
            record.dialogKey = correlation.dialogKey;
        if (status < 300) {
            record.grantedExpires = expiresHeader(message);
            if (record.method == "PUBLISH")
                record.etag = std::string(message.header("SIP-ETag"));
            const bool isRemoval = record.expires == 0 || record.grantedExpires == 0;
            if (isRemoval) {
                record.state = "terminated";
                if (record.terminatedUs == 0)
                    record.terminatedUs = meta.timestampUs;
            } else if (record.state.empty() || record.state == "terminated") {
                // Until a NOTIFY says otherwise: 202 Accepted is RFC 3265's "pending authorization".
                record.state = record.method != "PUBLISH" && status == 202 ? "pending" : "active";
                record.terminatedUs = 0;
            }
        } else if (status != 401 && status != 407 && record.notifies == 0) {
            record.state = "rejected";
        } else if (status == 481 || status == 412) {
            record.state = "terminated";  // the subscription or the publication's ETag is gone
        }
    }
}

// [SECTION] Linked calls

const LinkValue* Correlator::Impl::rememberLinkValue(std::string_view value, std::uint64_t callKey,
                                                     std::string_view header) {
    if (auto found = linkValues.find(value); found != linkValues.end())
        return &found->second;
    if (limits.maxLinkValues == 0)
        return nullptr;
    while (linkValues.size() >= limits.maxLinkValues && !linkOrder.empty()) {
        linkValues.erase(linkValues.find(*linkOrder.front()));
        linkOrder.pop_front();
        ++stats.linkValuesEvicted;
    }
    const auto inserted = linkValues.emplace(std::string(value), LinkValue{callKey, header}).first;
    linkOrder.push_back(&inserted->first);
    return nullptr;
}

void Correlator::Impl::addLink(CallEntry& entry, std::uint64_t otherKey, std::string_view kind, std::string detail) {
    CallSummary& call = entry.summary;
    if (otherKey == 0 || otherKey == call.key)
        return;
    for (const CallLink& link : call.links)
        if (link.linkedKey == otherKey && link.kind == kind)
            return;
    if (call.links.size() >= limits.maxLinksPerCall) {
        ++call.recordsDropped;
        return;
    }
    call.links.push_back({otherKey, std::string(kind), std::move(detail)});
    ++stats.callLinks;
}

void Correlator::Impl::linkCalls(CallEntry& entry, const SipMessageView& message, const MessageMeta& meta,
                                 bool isNewCall) {
    CallSummary& call = entry.summary;
    if (isNewCall) {
        // An earlier leg may have named this Call-ID in a link header.
        if (const auto earlier = linkValues.find(call.callId); earlier != linkValues.end())
            addLink(entry, earlier->second.callKey, "header", std::string(earlier->second.header) + ": " + call.callId);
    }
    // Another call by its Call-ID: the open calls (legs and replaced dialogs are alive while they are named).
    auto openCallKey = [this](std::string_view callId) -> std::uint64_t {
        const std::uint32_t slot = findCall(callId);
        return slot == NoSlot ? 0 : entries[slot]->summary.key;
    };
    if (!message.isRequest())
        return;
    const std::string_view method = message.method();
    const bool isInitial = message.to().tag.empty();
    if (isInitial && !entry.hasHeaderLink && method != "ACK" && method != "CANCEL") {
        for (const std::string& name : limits.linkHeaders) {
            message.forEachHeader(name, [&](std::string_view value) {
                if (value.empty() || value == call.callId)
                    return;
                std::uint64_t other = openCallKey(value);  // the other leg's Call-ID
                if (other == 0) {
                    // A value both legs carry, or the Call-ID of a leg not seen yet: the first call to carry it.
                    const LinkValue* first = rememberLinkValue(value, call.key, name);
                    other = first ? first->callKey : 0;
                }
                if (other != 0 && other != call.key) {
                    addLink(entry, other, "header", name + ": " + std::string(value));
                    entry.hasHeaderLink = true;
                }
            });
        }
    }
    if (method == "INVITE" && isInitial) {
        // RFC 3891: this INVITE takes the place of the dialog it names.
        if (const auto replaces = message.replaces()) {
            addLink(entry, openCallKey(replaces->callId), "replaces", "Replaces: " + std::string(replaces->callId));
        }
        // The INVITE a REFER asked for goes to the Refer-To target (RFC 3515 §2.4.2).
        while (!transfers.empty() && meta.timestampUs - transfers.front().atUs > limits.transferWindowUs)
            transfers.pop_front();
        for (auto it = transfers.begin(); it != transfers.end(); ++it) {
            if (it->callKey != call.key && sameAddress(message.requestUri(), it->target)) {
                addLink(entry, it->callKey, "refer", "Refer-To: " + it->target);
                transfers.erase(it);
                break;
            }
        }
    } else if (method == "REFER") {
        const auto referTo = message.referTo();
        if (!referTo || referTo->uri.empty())
            return;
        SipUri target;
        if (parseUri(referTo->uri, target)) {
            // Attended transfer: Refer-To carries the Replaces of the call to be replaced, escaped.
            if (const auto escaped = target.header("Replaces")) {
                std::string text;
                unescape(*escaped, text);
                ReplacesValue replaces;
                if (parseReplaces(text, replaces))
                    addLink(entry, openCallKey(replaces.callId), "transfer",
                            "Refer-To Replaces: " + std::string(replaces.callId));
            }
        }
        if (limits.maxPendingTransfers == 0)
            return;
        if (transfers.size() >= limits.maxPendingTransfers) {
            transfers.pop_front();
            ++stats.transfersEvicted;
        }
        transfers.push_back({std::string(referTo->uri), call.key, meta.timestampUs});
    }
}

void Correlator::takeFlushed(std::int64_t nowUs, std::vector<CallSummary>& out) {
    Impl& d = *m_impl;
    d.expire(nowUs);
    for (auto& summary : d.evicted)
        out.push_back(std::move(summary));
    d.evicted.clear();
    std::uint32_t position = d.lruHead;
    while (position != NoSlot) {
        const std::uint32_t slot = position;
        const CallEntry& entry = *d.entries[slot];
        const std::int64_t idleUs = nowUs - entry.summary.endUs;
        if (idleUs < d.limits.finishedLingerUs)
            break;  // the list is ordered by activity: everything after is more recent
        position = d.lruLinks[slot].next;
        if (entry.isFinished) {
            ++d.stats.callsFlushedFinished;
            d.flush(slot, out);
        } else if (idleUs >= d.limits.idleTimeoutUs) {
            ++d.stats.callsFlushedIdle;
            d.flush(slot, out);
        }
    }
}

void Correlator::takeAll(std::vector<CallSummary>& out) {
    Impl& d = *m_impl;
    for (auto& summary : d.evicted)
        out.push_back(std::move(summary));
    d.evicted.clear();
    // In key order, which is the order the calls first appeared in the capture.
    // Slots sorted, then each summary moved once (sorting the summaries themselves moved each many times).
    std::vector<std::uint32_t> slots;
    slots.reserve(d.openCount);
    for (std::uint32_t slot = d.lruHead; slot != NoSlot; slot = d.lruLinks[slot].next)
        slots.push_back(slot);
    std::sort(slots.begin(), slots.end(),
              [&d](std::uint32_t a, std::uint32_t b) { return d.entries[a]->summary.key < d.entries[b]->summary.key; });
    out.reserve(out.size() + slots.size());
    for (std::uint32_t slot : slots)
        out.push_back(std::move(d.entries[slot]->summary));
    d.entries.clear();
    d.freeSlots.clear();
    d.lruLinks.clear();
    d.lruHead = d.lruTail = NoSlot;
    d.table.clear();
    d.openCount = 0;
}

void Correlator::snapshotChanged(std::vector<CallSummary>& out) {
    Impl& d = *m_impl;
    // Most recently active first: stop at the first call unchanged since the last snapshot, since every call after
    // it in the list was last active before it.
    for (std::uint32_t slot = d.lruTail; slot != NoSlot; slot = d.lruLinks[slot].prev) {
        CallEntry& entry = *d.entries[slot];
        if (!entry.isChangedSinceSnapshot)
            break;
        entry.isChangedSinceSnapshot = false;
        out.push_back(entry.summary);
    }
}

std::size_t Correlator::openCalls() const { return m_impl->openCount; }

const CorrelatorStats& Correlator::stats() const { return m_impl->stats; }

}  // namespace sipscope::decode
