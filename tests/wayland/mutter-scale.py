#!/usr/bin/env python3
"""Sets the scale of GNOME's (mutter's) one headless monitor, for the Wayland tests.

Usage: mutter-scale.py SCALE
Calls org.gnome.Mutter.DisplayConfig.ApplyMonitorsConfig (method 1: temporary) on the session
bus with jeepney (Debian: python3-jeepney) and prints the monitor state before and after.
"""
import sys

from jeepney import DBusAddress, MessageType, new_method_call
from jeepney.io.blocking import open_dbus_connection

DISPLAY_CONFIG = DBusAddress(
    "/org/gnome/Mutter/DisplayConfig",
    bus_name="org.gnome.Mutter.DisplayConfig",
    interface="org.gnome.Mutter.DisplayConfig",
)


def current_state(conn):
    reply = conn.send_and_get_reply(new_method_call(DISPLAY_CONFIG, "GetCurrentState"), timeout=10)
    serial, monitors, logical, _props = reply.body
    current = None
    for (connector, _vendor, _product, _serial), modes, _mprops in monitors:
        for mode_id, width, height, _refresh, _preferred, scales, mode_props in modes:
            if mode_props.get("is-current", ("b", False))[1]:
                current = (connector, mode_id, width, height, scales)
    return serial, current, [lm[2] for lm in logical]


def main():
    scale = float(sys.argv[1])
    conn = open_dbus_connection(bus="SESSION")
    serial, (connector, mode_id, width, height, scales), now = current_state(conn)
    print(f"{connector} {width}x{height} mode {mode_id}, scale {now}, supported {scales}")
    if not any(abs(s - scale) < 1e-6 for s in scales):
        print(f"scale {scale} is not supported ({scales})", file=sys.stderr)
        return 1
    call = new_method_call(
        DISPLAY_CONFIG,
        "ApplyMonitorsConfig",
        "uua(iiduba(ssa{sv}))a{sv}",
        (serial, 1, [(0, 0, scale, 0, True, [(connector, mode_id, {})])], {}),
    )
    reply = conn.send_and_get_reply(call, timeout=10)
    if reply.header.message_type == MessageType.error:
        print(f"ApplyMonitorsConfig failed: {reply.body}", file=sys.stderr)
        return 1
    _, _, now = current_state(conn)
    print(f"scale now {now}")
    return 0 if any(abs(s - scale) < 1e-6 for s in now) else 1


if __name__ == "__main__":
    sys.exit(main())
