package dev.xlatsentinel.bfd.session;

import dev.xlatsentinel.bfd.AuthFailureNotice;
import dev.xlatsentinel.bfd.Counter;
import dev.xlatsentinel.bfd.SessionConfig;
import dev.xlatsentinel.bfd.SessionKey;
import dev.xlatsentinel.bfd.SessionSnapshot;
import dev.xlatsentinel.bfd.StateChange;
import dev.xlatsentinel.bfd.auth.AuthConfig;
import dev.xlatsentinel.bfd.auth.AuthFailure;
import dev.xlatsentinel.bfd.auth.Authenticator;
import dev.xlatsentinel.bfd.codec.ControlPacket;
import dev.xlatsentinel.bfd.codec.Diagnostic;
import dev.xlatsentinel.bfd.codec.State;
import dev.xlatsentinel.bfd.timer.TimerHeap;
import java.time.Duration;

/**
 * One BFD session, sans I/O: the state variables of RFC 5880 §6.8.1, the state machine of
 * §6.8.6, timers (§6.8.2-6.8.4, §6.8.7) as plain nanosecond deadlines, Poll/Final (§6.5,
 * §6.8.3; the intervals and the Poll's bookkeeping in {@link LocalIntervals}) and hold-down
 * (§6.8.18). Driven by {@link SessionTable} on one thread: received packets that passed
 * validation, {@link #poll(long)} at {@link #nextDeadline()}, and operator calls.
 * {@link #setState} is the only writer of the state.
 */
public final class Session {
    /** RFC 5880 §6.8.3: DesiredMinTxInterval is at least one second while not Up. */
    static final long SLOW_TX_MICROS = 1_000_000;

    private final SessionContext ctx;
    private final SessionKey key;
    private final int localDiscr;
    /** The peer's and our address as octets, for the receive path's checks without allocation. */
    private final byte[] peerOctets;
    private final byte[] localOctets;
    private final int timerId;
    private final Authenticator auth;
    private final CounterSet counters = new CounterSet();
    /** Written on the event loop only; volatile because BfdSession reads it to validate changes. */
    private volatile SessionConfig config;
    /** Interface index for link-local scope matching, 0 when not known or not needed. */
    private final int ifindex;
    private int sourcePort;
    private Object attachment;

    // RFC 5880 §6.8.1 state variables.
    private State state = State.DOWN;
    private State remoteState = State.DOWN;
    private int remoteDiscr;
    private Diagnostic localDiag = Diagnostic.NONE;
    private Diagnostic remoteDiag = Diagnostic.NONE;
    /** bfd.DesiredMinTxInterval and bfd.RequiredMinRxInterval, and the ones in effect (§6.8.3). */
    private final LocalIntervals intervals;
    private long remoteMinRx = 1;
    private long remoteDesiredMinTx;
    private int remoteDetectMult;
    private boolean remoteDemand;
    private int detectMult;

    // Deadlines in nanoseconds (TimerHeap.NEVER when off).
    private final TransmitTimer tx;
    private long detectAt = TimerHeap.NEVER;
    private long authForgetAt = TimerHeap.NEVER;
    private long removeAt = TimerHeap.NEVER;
    private long lastRx;

    // §6.8.18 hold-down and removal.
    private boolean heldDown;
    private Diagnostic heldDownDiag;
    private boolean removing;

    private long lastChange;
    private long upSince = -1;
    private final AuthRefusals refusals = new AuthRefusals();

    Session(SessionContext ctx, SessionConfig config, int localDiscr, int timerId, Authenticator auth, int ifindex,
            long now) {
        this.ctx = ctx;
        this.config = config;
        this.key = config.key();
        this.peerOctets = config.peer().getAddress();
        this.localOctets = config.local().getAddress();
        this.localDiscr = localDiscr;
        this.timerId = timerId;
        this.auth = auth;
        this.ifindex = ifindex;
        this.detectMult = config.detectMult();
        this.intervals = new LocalIntervals(counters, Math.max(config.desiredMinTxMicros(), SLOW_TX_MICROS),
                config.requiredMinRxMicros());
        this.lastChange = now;
        // An active session speaks first; a passive one waits for the peer (§6.1).
        this.tx = new TransmitTimer(ctx, config.passive() ? TimerHeap.NEVER : now);
    }

    public SessionKey key() {
        return key;
    }

    public SessionConfig config() {
        return config;
    }

    public int localDiscriminator() {
        return localDiscr;
    }

    byte[] peerOctets() {
        return peerOctets;
    }

    byte[] localOctets() {
        return localOctets;
    }

    int timerId() {
        return timerId;
    }

    int ifindex() {
        return ifindex;
    }

    public State state() {
        return state;
    }

    public State remoteState() {
        return remoteState;
    }

    public int remoteDiscriminator() {
        return remoteDiscr;
    }

    public Diagnostic localDiag() {
        return localDiag;
    }

    public boolean heldDown() {
        return heldDown;
    }

    public boolean removing() {
        return removing;
    }

    public CounterSet counters() {
        return counters;
    }

    Authenticator auth() {
        return auth;
    }

    void sourcePort(int port) {
        this.sourcePort = port;
    }

    /** The transport's handle for this session (its socket). */
    public Object attachment() {
        return attachment;
    }

    void attach(Object attachment) {
        this.attachment = attachment;
    }

    /** The earliest deadline of this session's timers. */
    public long nextDeadline() {
        return Math.min(Math.min(tx.at(), detectAt), Math.min(authForgetAt, removeAt));
    }

    /** True once removal has finished: the table drops the session. */
    boolean removalDue(long now) {
        return removing && removeAt <= now;
    }

    /** Negotiated transmit interval in microseconds (§6.8.2), before jitter. */
    long txIntervalMicros() {
        return Math.max(intervals.txInEffect(), remoteMinRx);
    }

    /**
     * Detection time in microseconds (§6.8.4, Asynchronous mode): the peer's Detect Mult
     * times the greater of our RequiredMinRx (the one in effect) and its DesiredMinTx.
     */
    long detectionTimeMicros() {
        return (long) remoteDetectMult * Math.max(intervals.rxInEffect(), remoteDesiredMinTx);
    }

    // ---------------------------------------------------------------- reception

    /**
     * The part of RFC 5880 §6.8.6 after the packet has passed every discard check, and been
     * authenticated. The caller checked everything up to the A bit.
     */
    void receive(long now, ControlPacket p) {
        counters.increment(Counter.RX_PACKETS);
        refusals.accepted();
        long oldTxInterval = txIntervalMicros();
        remoteDiscr = p.myDiscriminator();
        remoteState = p.state();
        remoteDemand = p.demand();
        remoteMinRx = p.requiredMinRxMicros();
        remoteDesiredMinTx = p.desiredMinTxMicros();
        remoteDetectMult = p.detectMult();
        remoteDiag = p.diag();
        // Required Min Echo RX: we never send Echo packets, nothing to stop.
        if (intervals.pollInProgress() && p.fin()) {
            intervals.terminatePoll();
        }
        if (txIntervalMicros() != oldTxInterval) {
            tx.intervalChanged(now, txIntervalMicros());
        }
        // The packet counts as received for the Detection Time (last rule of §6.8.6).
        lastRx = now;
        detectAt = now + detectionTimeMicros() * 1000;
        if (auth.enabled()) {
            authForgetAt = now + 2 * detectionTimeMicros() * 1000;
        }
        if (state == State.ADMIN_DOWN) {
            counters.increment(Counter.DROP_LOCAL_ADMIN_DOWN);
            return;
        }
        switch (state) {
            case DOWN -> onReceiveWhileDown(now);
            case INIT -> onReceiveWhileInit(now);
            case UP -> onReceiveWhileUp(now);
            default -> throw new IllegalStateException(state.label());
        }
        controlTx(now);
        if (p.poll()) {
            // §6.8.7: Final at once, whatever the timers, demand mode or our own Poll; never with P.
            transmit(now, true);
            if (!intervals.pollInProgress() && tx.due(now)) {
                // The Final already told the peer our new state.
                tx.sent(now, txIntervalMicros());
            }
        }
        flush(now);
    }

    /** §6.8.6, bfd.SessionState is Down; §6.8.18: a held-down session stays Down. */
    private void onReceiveWhileDown(long now) {
        if (heldDown) {
            return;
        }
        switch (remoteState) {
            case DOWN -> setState(now, State.INIT, localDiag, "peer is Down");
            case INIT -> setState(now, State.UP, Diagnostic.NONE, "peer is Init");
            default -> {
                // Up or AdminDown from the peer while we are Down: nothing to do.
            }
        }
    }

    /** §6.8.6, bfd.SessionState is Init. */
    private void onReceiveWhileInit(long now) {
        switch (remoteState) {
            case ADMIN_DOWN -> setState(now, State.DOWN, Diagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN,
                    "peer signalled AdminDown");
            case INIT, UP -> setState(now, State.UP, Diagnostic.NONE, "peer is " + remoteState);
            default -> {
                // Down: the peer has not seen us yet; stay Init.
            }
        }
    }

    /** §6.8.6, bfd.SessionState is Up. */
    private void onReceiveWhileUp(long now) {
        if (remoteState == State.DOWN || remoteState == State.ADMIN_DOWN) {
            setState(now, State.DOWN, Diagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN,
                    "peer signalled " + remoteState + " (diag " + remoteDiag + ")");
        }
    }

    /**
     * A packet for this session was refused by authentication (§6.7): counted under
     * {@code c}, remembered for the Down reason, logged within the session's budget
     * ({@link AuthRefusals}). {@code f} with the packet explains a failed check; null for a
     * section missing or unexpected.
     */
    void authFailed(long now, Counter c, AuthFailure f, ControlPacket p) {
        counters.increment(c);
        AuthFailureNotice n = refusals.refused(now, c, f, p, auth, key, ctx);
        if (n != null) {
            ctx.authFailed(n);
        }
    }

    // ---------------------------------------------------------------- timers

    /** Runs every timer due at {@code now}. */
    void poll(long now) {
        if (detectAt <= now) {
            onDetectionTimeExpired(now);
        }
        if (authForgetAt <= now) {
            // §6.8.1: bfd.AuthSeqKnown = 0 after twice the Detection Time without packets.
            auth.forgetSequence();
            authForgetAt = TimerHeap.NEVER;
        }
        flush(now);
    }

    /** §6.8.4: no packet for a Detection Time. */
    private void onDetectionTimeExpired(long now) {
        detectAt = TimerHeap.NEVER;
        // §6.8.1: bfd.RemoteDiscr is zeroed when a Detection Time passes without a packet.
        remoteDiscr = 0;
        remoteState = State.DOWN;
        remoteDemand = false;
        // Nobody will answer an outstanding Poll now: apply its values.
        intervals.abandonPoll();
        if (state == State.INIT || state == State.UP) {
            // Diag 1 either way (§6.8.4); the reason tells a silent peer from one we refuse.
            String reason = refusals.sinceAccepted() == 0 ? "no packet for " + detectionTimeMicros() / 1000 + " ms"
                    : refusals.downReason(detectionTimeMicros() / 1000);
            setState(now, State.DOWN, Diagnostic.CONTROL_DETECTION_TIME_EXPIRED, reason);
        }
    }

    /** §6.8.7: the conditions under which periodic Control packets are sent. */
    private boolean periodicTxAllowed() {
        if (config.passive() && remoteDiscr == 0) {
            return false;
        }
        if (remoteMinRx == 0) {
            return false;
        }
        // §6.6: the peer runs Demand mode; we stay silent except for a Poll Sequence.
        return !(remoteDemand && state == State.UP && remoteState == State.UP && !intervals.pollInProgress());
    }

    /** Starts or stops the periodic timer after the conditions may have changed. */
    private void controlTx(long now) {
        if (periodicTxAllowed()) {
            tx.start(now);
        } else {
            tx.stop();
        }
    }

    /** Sends what is due: the periodic packet, or one a state change or a Poll wants out at once. */
    private void flush(long now) {
        if (tx.due(now)) {
            if (periodicTxAllowed()) {
                transmit(now, false);
            } else {
                tx.stop();
            }
        }
    }

    // ---------------------------------------------------------------- transmission

    /** Builds and sends one Control packet (§6.8.7); {@code fin} answers a Poll. */
    private void transmit(long now, boolean fin) {
        ControlPacket p = ctx.txPacket();
        int flags = fin ? ControlPacket.FLAG_FINAL : intervals.pollInProgress() ? ControlPacket.FLAG_POLL : 0;
        p.writeMandatory(localDiag, state, flags, detectMult, localDiscr, remoteDiscr, intervals.desiredMinTx(),
                intervals.requiredMinRx(), 0);
        int length = auth.enabled() ? auth.sign(p) : ControlPacket.MANDATORY_LENGTH;
        counters.increment(ctx.transmit(this, p.buffer(), length) ? Counter.TX_PACKETS : Counter.TX_ERRORS);
        if (fin) {
            counters.increment(Counter.FINALS_SENT);
        } else {
            tx.sent(now, txIntervalMicros());
        }
    }

    // ---------------------------------------------------------------- the one state writer

    /**
     * Writes the session state and diagnostic; the only place that does. Adjusts the slow
     * rate of §6.8.3, sends a packet at once and queues the event for listeners.
     */
    private void setState(long now, State next, Diagnostic diag, String reason) {
        State old = state;
        if (old == next && diag == localDiag) {
            return;
        }
        state = next;
        localDiag = diag;
        if (old != next) {
            counters.increment(Counter.STATE_TRANSITIONS);
            lastChange = now;
            upSince = next == State.UP ? now : -1;
            if (next == State.ADMIN_DOWN) {
                // Packets are discarded in AdminDown, so no Final can end a Poll: drop it.
                intervals.abandonPoll();
            }
            // Logged by the engine on its listener thread: a slow log sink must not hold the loop.
            ctx.stateChanged(new StateChange(key, old, next, diag, remoteDiag, reason, ctx.wallTime(now)));
            setDesiredMinTx(now, targetDesiredMinTx());
        }
        // §6.8.7 does not require it, but the peer should learn of a change at once.
        tx.fireNow(now);
    }

    private long targetDesiredMinTx() {
        return state == State.UP ? config.desiredMinTxMicros() : Math.max(config.desiredMinTxMicros(), SLOW_TX_MICROS);
    }

    // ---------------------------------------------------------------- §6.8.3 timer changes

    /** Advertises a new DesiredMinTx; the transmit timer follows when it applies at once. */
    private void setDesiredMinTx(long now, long value) {
        if (value == intervals.desiredMinTx()) {
            return;
        }
        if (intervals.changeDesiredMinTx(value, state == State.UP)) {
            tx.intervalChanged(now, txIntervalMicros());
        }
        requestPoll(now, LocalIntervals.POLL_TX);
    }

    /** Advertises a new RequiredMinRx; the detection timer follows when it applies at once. */
    private void setRequiredMinRx(long now, long value) {
        if (value == intervals.requiredMinRx()) {
            return;
        }
        if (intervals.changeRequiredMinRx(value, state == State.UP) && detectAt != TimerHeap.NEVER) {
            detectAt = lastRx + detectionTimeMicros() * 1000;
        }
        requestPoll(now, LocalIntervals.POLL_RX);
    }

    /** §6.5: a Poll Sequence that starts goes out at once. */
    private void requestPoll(long now, int what) {
        if (intervals.requestPoll(what, remoteDiscr == 0 || state == State.ADMIN_DOWN)) {
            tx.fireNoLaterThan(now);
        }
    }

    boolean pollInProgress() {
        return intervals.pollInProgress();
    }

    // ---------------------------------------------------------------- operator actions

    /**
     * §6.8.18: go Down with {@code diag} now, keep sending Down and stay Down until
     * {@link #release}. From AdminDown the hold applies once the operator brings it up.
     */
    void holdDown(long now, Diagnostic diag) {
        heldDown = true;
        heldDownDiag = diag;
        if (state != State.ADMIN_DOWN) {
            setState(now, State.DOWN, diag, "held down: " + diag);
            flush(now);
        }
    }

    /**
     * Ends a hold-down. The peer's last packet is applied at once (§6.8.6 with
     * bfd.RemoteSessionState, when it was heard within the Detection Time): a router that
     * answered our Down with Init makes us Up now, one that is Down makes us Init, and the
     * packet for the new state leaves at once (§6.8.7 allows a packet on any state change).
     * Waiting for the peer's next packet instead would cost up to its slow interval while not
     * Up (§6.8.3: at least 1 s), about half of it on average. Otherwise one Down packet leaves
     * at once, so the peer learns the diagnostic is gone without waiting for our next one.
     */
    void release(long now) {
        if (!heldDown) {
            return;
        }
        heldDown = false;
        heldDownDiag = null;
        if (state == State.DOWN && detectAt != TimerHeap.NEVER && detectAt > now) {
            onReceiveWhileDown(now);
        }
        if (state == State.DOWN) {
            setState(now, State.DOWN, Diagnostic.NONE, "released from hold-down");
            tx.fireNow(now);
        }
        flush(now);
    }

    /** §6.8.16: operator shutdown; AdminDown with diag 7. */
    void adminDown(long now) {
        setState(now, State.ADMIN_DOWN, Diagnostic.ADMINISTRATIVELY_DOWN, "administratively down");
        flush(now);
    }

    void adminUp(long now) {
        if (state != State.ADMIN_DOWN || removing) {
            return;
        }
        setState(now, State.DOWN, heldDown ? heldDownDiag : Diagnostic.NONE, "administratively up");
        flush(now);
    }

    /**
     * Live key chain change (§6.7) of the same type: from the next packet on, packets are
     * signed with the new send key and every key of the new chain is accepted. The sequence
     * numbers are the session's and carry on, so the peer's window check keeps passing and
     * no state changes.
     */
    void updateAuth(long now, AuthConfig next) {
        auth.updateKeys(next);
        this.config = config.toBuilder().auth(next).build();
    }

    /** Live timer change (§6.8.10-6.8.12): through a Poll when Up. */
    void updateTimers(long now, SessionConfig newConfig) {
        this.config = newConfig;
        // §6.8.12: a new Detect Mult needs no Poll; the peer reads it from the next packet.
        detectMult = newConfig.detectMult();
        if (state != State.ADMIN_DOWN) {
            setDesiredMinTx(now, targetDesiredMinTx());
            setRequiredMinRx(now, newConfig.requiredMinRxMicros());
        } else {
            intervals.applyAtOnce(targetDesiredMinTx(), newConfig.requiredMinRxMicros());
        }
        flush(now);
    }

    /**
     * Removal (§6.8.16): AdminDown at once, then AdminDown for one of the peer's detection
     * times so that it sees why we left; with no peer heard, removal is immediate.
     */
    void beginRemoval(long now) {
        setState(now, State.ADMIN_DOWN, Diagnostic.ADMINISTRATIVELY_DOWN, "session removed");
        removing = true;
        flush(now);
        long linger = remoteDiscr == 0 ? 0 : (long) detectMult * txIntervalMicros() * 1000;
        removeAt = now + linger;
    }

    SessionSnapshot snapshot(long now) {
        SessionSnapshot.Remote remote = new SessionSnapshot.Remote(remoteState, remoteDiag,
                Integer.toUnsignedLong(remoteDiscr), remoteDetectMult, micros(remoteDesiredMinTx), micros(remoteMinRx),
                remoteDemand);
        SessionSnapshot.Timers timers = new SessionSnapshot.Timers(detectMult, micros(intervals.desiredMinTx()),
                micros(intervals.requiredMinRx()), micros(txIntervalMicros()),
                micros(Math.max(intervals.rxInEffect(), remoteDesiredMinTx)), micros(detectionTimeMicros()),
                intervals.pollInProgress());
        SessionSnapshot.Auth authView = new SessionSnapshot.Auth(auth.config().type(), auth.config().keyIds(),
                auth.enabled() ? auth.config().sendKeyId() : null,
                auth.lastReceivedKeyId() < 0 ? null : auth.lastReceivedKeyId());
        return new SessionSnapshot(key, state, localDiag, Integer.toUnsignedLong(localDiscr), heldDown, heldDownDiag,
                remote, timers, authView, sourcePort,
                ctx.wallTime(lastChange), upSince < 0 ? null : ctx.wallTime(upSince), counters.copy());
    }

    private static Duration micros(long us) {
        return Duration.ofNanos(us * 1000);
    }

    @Override
    public String toString() {
        return "Session[" + key + " " + state + " discr " + Integer.toUnsignedString(localDiscr) + "]";
    }
}
