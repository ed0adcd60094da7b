/**
 * {@code systemctl reload} for the agent: the units run {@code ExecReload=/bin/kill -HUP $MAINPID},
 * and {@link dev.xlatsentinel.systemd.reload.ReloadSignal} turns SIGHUP into RELOADING=1, the
 * reload, then READY=1 with a status line: the protocol of systemd 253's
 * {@code Type=notify-reload}, which 252 accepts as well.
 */
package dev.xlatsentinel.systemd.reload;
