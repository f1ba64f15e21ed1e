"""Case studies and their discussion arrive with the community issue."""
