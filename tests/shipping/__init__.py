"""Tests of the shipping app."""
