"""Test double of ``strands-agents-tools``: only the modules the platform's tests import."""
