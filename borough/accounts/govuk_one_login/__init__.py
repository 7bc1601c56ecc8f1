"""GOV.UK One Login as an allauth provider: allauth's OpenID Connect provider plus what One Login
requires of a service (a nonce, and ``private_key_jwt`` client authentication). ADR 0009."""
