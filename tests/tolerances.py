"""The one tolerance for comparing gradients against central finite differences in float64.

``FD`` is what ``gradcheck``, ``gradgradcheck`` and ``check_vjp`` get in every test that
compares a derivative with central differences (``**FD``); a test that needs another value
says why next to it.

Why these numbers: a central difference with step ``eps`` has truncation error about
``eps**2 * |f'''|`` and rounding error about ``1e-16 * |f| / eps``. With ``eps = 1e-6`` in
float64 both are near 1e-10 (1e-12 and 1e-10) on the test domains (|f| and its derivatives
of order 1 to e^3), so ``atol=1e-6, rtol=1e-5`` leaves some 1e4 times the method's own error,
yet stays far below the error of any wrong rule (a wrong sign, a missing factor or term is
off by the size of the derivative itself, ~1e-1 and up). A smaller ``eps`` would let the
rounding error (~1e-16 / eps) grow past the tolerance. These are the registry property
suite's values (``tests/test_ops.py``); ``check_vjp``'s defaults are the same.
"""

FD = {"eps": 1e-6, "atol": 1e-6, "rtol": 1e-5}
