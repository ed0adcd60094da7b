/**
 * The systemd watchdog ({@code WatchdogSec=}) tied to the agent's own liveness: the
 * {@link dev.xlatsentinel.systemd.watchdog.Watchdog} pings at half the interval only while
 * every registered {@link dev.xlatsentinel.systemd.watchdog.LivenessCheck} passes, so a
 * stalled event loop or prober stops the pings and systemd restarts the hung agent.
 */
package dev.xlatsentinel.systemd.watchdog;
