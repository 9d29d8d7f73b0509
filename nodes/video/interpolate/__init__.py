"""Frame interpolation: optical-flow (OpenCV DIS) or learned in-between frames, retiming and cut handling."""
