"""Primality by trial division (High Performance Python, chapters 1 and 9)."""
import math


def check_prime(number: int64) -> bool:
    if number < 2:
        return False
    sqrt_number = math.sqrt(number)
    for i in range(2, int(sqrt_number) + 1):
        if number % i == 0:
            return False
    return True


def check_primes(numbers: int64[:], out: bool[:]):
    for k in range(len(numbers)):
        out[k] = check_prime(numbers[k])
