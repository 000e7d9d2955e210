"""Neural-network building blocks on the autograd engine (see the nn issue)."""
