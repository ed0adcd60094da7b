/**
 * The sd_notify(3) protocol spoken from the JVM: {@link dev.xlatsentinel.systemd.notify.SdNotify}
 * sends READY=1, STATUS=, WATCHDOG=1, RELOADING=1, STOPPING=1 and MAINPID= to
 * {@code $NOTIFY_SOCKET} as one AF_UNIX datagram per message, without forking
 * {@code systemd-notify}, so units keep {@code NotifyAccess=main}.
 */
package dev.xlatsentinel.systemd.notify;
