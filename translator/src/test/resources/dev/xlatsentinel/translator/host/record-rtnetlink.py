# Records the rtnetlink datagrams of rtnetlink-veth.hex. Run as root:
#   ip netns add rec && ip netns exec rec python3 record-rtnetlink.py rec rtnetlink-veth.hex; ip netns del rec
# (the header lines of the .hex file were added by hand)
# Records real rtnetlink messages from this kernel (inside a throwaway namespace) as hex, one datagram per line.
import socket, struct, subprocess, sys, os, time
ns = sys.argv[1]; out = sys.argv[2]
def ip(*a): subprocess.run(["ip", "-n", ns] + list(a), check=True)
# the socket must live in the namespace: re-exec this part with ip netns exec
RTMGRP_LINK=1; RTMGRP_IPV4_IFADDR=0x10; RTMGRP_IPV4_ROUTE=0x40; RTMGRP_IPV6_IFADDR=0x100; RTMGRP_IPV6_ROUTE=0x400
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
s.bind((0, RTMGRP_LINK|RTMGRP_IPV4_IFADDR|RTMGRP_IPV4_ROUTE|RTMGRP_IPV6_IFADDR|RTMGRP_IPV6_ROUTE))
s.settimeout(0.3)
lines=[]
def drain(label):
    while True:
        try: d = s.recv(65536)
        except socket.timeout: break
        lines.append(label + " " + d.hex())
def sh(*a): subprocess.run(list(a), check=True)
sh("ip","link","add","xsd0","type","veth","peer","name","xsd1"); drain("add-veth")
sh("ip","link","set","xsd1","up"); sh("ip","link","set","xsd0","up"); drain("set-up")
sh("ip","addr","add","192.0.2.1/24","dev","xsd0"); drain("addr4")
sh("ip","-6","addr","add","2001:db8::1/64","dev","xsd0","nodad"); drain("addr6")
sh("ip","route","add","198.51.100.0/24","via","192.0.2.254"); drain("route4-add")
sh("ip","-6","route","add","64:ff9b::/96","via","2001:db8::fe"); drain("route6-add")
sh("ip","route","del","198.51.100.0/24"); drain("route4-del")
sh("ip","-6","route","del","64:ff9b::/96"); drain("route6-del")
sh("ip","link","set","xsd0","down"); drain("set-down")
sh("ip","link","del","xsd0"); drain("del-veth")
# a dump (ends with NLMSG_DONE) and an error answer (no such interface)
q = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE); q.bind((0,0)); q.settimeout(0.3)
RTM_GETLINK=18; NLM_F_REQUEST=1; NLM_F_DUMP=0x300
q.send(struct.pack("=IHHII", 32, RTM_GETLINK, NLM_F_REQUEST|NLM_F_DUMP, 7, 0) + struct.pack("=BBHiII",0,0,0,0,0,0))
while True:
    try: d=q.recv(65536)
    except socket.timeout: break
    lines.append("dump-seq7 " + d.hex())
    if struct.unpack_from("=H", d, 4)[0] == 3: break
q.send(struct.pack("=IHHII", 32, RTM_GETLINK, NLM_F_REQUEST, 9, 0) + struct.pack("=BBHiII",0,0,0,999,0,0))
lines.append("get-missing-seq9 " + q.recv(65536).hex())
open(out,"w").write("\n".join(lines)+"\n")
