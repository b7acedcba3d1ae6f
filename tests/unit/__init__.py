"""Unit tests of the decision logic, the layout map and the project facts in extensions/."""
