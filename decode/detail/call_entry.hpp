// An open call of the correlator (decode/correlator.cpp): its summary as it grows and what correlating its next
// messages needs (transaction and dialog indexes, retransmission signatures, the timings of RFC 6076 on the call's
// first hop, offer/answer, registrations, subscriptions, links), and the timeout deadline of its initial request.
#pragma once

#include "decode/correlator.hpp"
#include "decode/detail/call_index.hpp"
#include "decode/detail/call_links.hpp"
#include "decode/detail/offer_answer.hpp"
#include "decode/detail/registrations.hpp"
#include "decode/detail/retransmissions.hpp"
#include "decode/detail/subscriptions.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sipscope::decode::detail {

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
    HopTime provisional;    // first 1xx other than 100 to the latest attempt
    HopTime finalResponse;  // its first final response
    // [0]: messages without a dialog (or beyond the cap); [i]: dialog i. Grown on demand: at most dialogCount + 1.
    std::vector<DialogTiming> dialogTimings;
    Retransmissions retransmissions;
    HashIndex transactions;  // hash -> index
    HashIndex dialogs;       // hash -> index; 0 for a dialog refused at the cap (counted once in recordsDropped)
    std::uint32_t transactionCount = 0;
    std::uint32_t dialogCount = 0;
    // Indexes of INVITE transactions that failed (a final 3xx-6xx) and whose ACK has not come yet: the ACK is the
    // last message of a failed call, which is not written before it.
    std::vector<std::uint32_t> failuresAwaitingAck;
    std::uint64_t callIdHash = 0;        // of summary.callId: its key in Impl's table of open calls
    std::uint32_t slot = 0;              // where Impl keeps it
    bool isChangedSinceSnapshot = true;  // a message since Correlator::snapshotChanged last copied it

    OfferAnswer offerAnswer;

    Registrations registrations;
    Subscriptions subscriptions;
    CallLinks::PerCall links;

    // Whether no message can change the call any more, so it can be written now (Correlator::takeFlushed): an
    // INVITE call ended (by BYE, or by a failure not asking for credentials), or a request other than INVITE whose
    // transaction completed (OPTIONS, MESSAGE, INFO...: a final response other than 401/407; REGISTER, SUBSCRIBE and
    // PUBLISH are refreshed in the same call and never finish), every transaction of it answered, every failed
    // INVITE acknowledged, no dialog of it still confirmed, no subscription in it, nothing dropped at a cap, and
    // not timed out (a late final response would still change it).
    bool isOver() const {
        if (!isFinished || isTimedOut || summary.recordsDropped != 0 ||
            transactionCount != summary.transactions.size() || !failuresAwaitingAck.empty() ||
            !summary.subscriptions.empty())
            return false;
        for (const TransactionRecord& transaction : summary.transactions)
            if (transaction.finalStatus == 0 && transaction.method != "ACK")
                return false;
        for (const DialogRecord& dialog : summary.dialogRecords)
            if (dialog.state == DialogState::Confirmed)
                return false;
        return true;
    }
};

}  // namespace sipscope::decode::detail
