"""Where things are drawn: boundary events placed, flows routed at right angles, labels."""

from __future__ import annotations

from _layout_model import COL_W, FIRST_COL_X, ROW_H, TOP_Y, Flow, Node, X, Y


def _boundary_position(node: Node, host: Node) -> tuple[float, float]:
    return host.cx + (node.col - host.col) * COL_W, host.cy + host.size[1] / 2


def place(nodes: list[Node]) -> dict[str, Node]:
    by_id = {n.id: n for n in nodes}
    for n in nodes:
        if n.attached_to:
            cx, cy = _boundary_position(n, by_id[n.attached_to])
            n.col = (cx - FIRST_COL_X) / COL_W
            n.row = (cy - TOP_Y) / ROW_H
    return by_id


def _port(node: Node, toward: tuple[float, float]) -> tuple[float, float]:
    """The middle of the side of `node` facing a point that is level with it on one axis."""
    x, y = toward
    w, h = node.size
    if abs(x - node.cx) < 0.5:
        return node.cx, node.cy + (h / 2 if y > node.cy else -h / 2)
    if abs(y - node.cy) < 0.5:
        return node.cx + (w / 2 if x > node.cx else -w / 2), node.cy
    raise ValueError(f"{node.id}: {toward} is not level with the node")


def waypoints(flow: Flow, src: Node, dst: Node) -> list[tuple[float, float]]:
    moves = flow.route
    if moves is None:
        if abs(src.cy - dst.cy) < 0.5 or abs(src.cx - dst.cx) < 0.5:
            moves = []
        elif src.family == "gateway" or src.kind == "boundary":
            moves = [("y", dst.row)]
        else:
            moves = [("x", dst.col)]
    # The turning points the moves describe, starting level with the source's centre.
    corners: list[tuple[float, float]] = []
    x, y = src.cx, src.cy
    for axis, value in moves:
        if axis == "x":
            x = X(value)
        else:
            y = Y(value)
        corners.append((x, y))
    if not corners and abs(src.cy - dst.cy) > 0.5 and abs(src.cx - dst.cx) > 0.5:
        raise ValueError(f"{flow.flow_id}: needs a route")
    first_toward = corners[0] if corners else (dst.cx, dst.cy)
    last = corners[-1] if corners else (src.cx, src.cy)
    if abs(last[0] - dst.cx) > 0.5 and abs(last[1] - dst.cy) > 0.5:
        raise ValueError(f"{flow.flow_id}: route does not end level with {dst.id}")
    start = _port(src, first_toward)
    end = _port(dst, last if corners else (src.cx, src.cy))
    points = [start, *corners, end]
    # Drop corners that coincide with the ports or lie on a straight line.
    clean: list[tuple[float, float]] = []
    for p in points:
        if clean and abs(clean[-1][0] - p[0]) < 0.5 and abs(clean[-1][1] - p[1]) < 0.5:
            continue
        clean.append(p)
    out: list[tuple[float, float]] = []
    for p in clean:
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            if (abs(a[0] - b[0]) < 0.5 and abs(b[0] - p[0]) < 0.5) or (
                abs(a[1] - b[1]) < 0.5 and abs(b[1] - p[1]) < 0.5
            ):
                out[-1] = p
                continue
        out.append(p)
    for a, b in zip(out, out[1:], strict=False):
        if abs(a[0] - b[0]) > 0.5 and abs(a[1] - b[1]) > 0.5:
            raise ValueError(f"{flow.flow_id}: diagonal segment {a} -> {b}")
    return out


def text_width(text: str) -> float:
    """Rough width in pixels at bpmn-js's 11 px label font (Thai marks take no width)."""
    combining = set(range(0x0E31, 0x0E32)) | set(range(0x0E34, 0x0E3B)) | set(range(0x0E47, 0x0E4F))
    return sum(0 if ord(c) in combining else 6.6 for c in text)


def node_label_bounds(node: Node) -> tuple[float, float, float, float]:
    full = text_width(node.name or "") + 10
    w = min(max(full, 30), node.label_width)
    lines = int(full // (w + 0.01)) + 1
    h = 14 * lines
    half_w, half_h = node.size[0] / 2, node.size[1] / 2
    pos = node.label
    if pos == "below":
        return node.cx - w / 2, node.cy + half_h + 6, w, h
    if pos == "above":
        return node.cx - w / 2, node.cy - half_h - 6 - h, w, h
    if pos == "left":
        return node.cx - half_w - 6 - w, node.cy - h / 2, w, h
    if pos == "right":
        return node.cx + half_w + 6, node.cy - h / 2, w, h
    if pos == "up-left":
        return node.cx - half_w - w + 4, node.cy - half_h - h - 2, w, h
    if pos == "up-right":
        return node.cx + half_w - 4, node.cy - half_h - h - 2, w, h
    if pos == "down-right":
        return node.cx + half_w - 4, node.cy + half_h + 4, w, h
    if pos == "down-left":
        return node.cx - half_w - w + 4, node.cy + half_h + 4, w, h
    raise ValueError(pos)


def flow_label_bounds(flow: Flow, points: list[tuple[float, float]]) -> tuple[float, ...]:
    w, h = max(text_width(flow.name or ""), 24) + 8, 14
    if flow.label_at is not None:
        return X(flow.label_at[0]), Y(flow.label_at[1]), w, h
    # At the start of the segment that enters the target.
    (x0, y0), (x1, y1) = points[-2], points[-1]
    if abs(y0 - y1) < 0.5:  # horizontal: just above it
        left = x0 + 6 if x1 > x0 else x0 - 6 - w
        return left, y0 - h - 3, w, h
    top = y0 + 4 if y1 > y0 else y0 - 4 - h
    return x0 + 5, top, w, h
