"""The template's own test suite (unit, questionnaire, render and project tiers)."""
