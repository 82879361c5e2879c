"""build/validation"""
