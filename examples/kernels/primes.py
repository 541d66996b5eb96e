"""Primality by trial division (High Performance Python, chapter 9): even numbers are not prime,
then odd divisors from 3 up to sqrt(n) + 1. An 18-digit prime takes about 1.58e8 divisions."""
import math


def check_prime(number: int64) -> bool:
    if number < 2:
        return False
    if number % 2 == 0:
        return number == 2
    for divisor in range(3, int(math.sqrt(number) + 1), 2):
        if number % divisor == 0:
            return False
    return True
