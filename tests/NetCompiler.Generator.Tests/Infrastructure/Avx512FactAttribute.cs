using System.Runtime.Intrinsics.X86;

namespace NetCompiler.Generator.Tests.Infrastructure;

/// <summary>
/// A fact that runs only where AVX-512 is supported, and is reported as skipped, with the reason, elsewhere: for tests
/// of code that only AVX-512 machines execute, which would prove nothing on other machines.
/// </summary>
internal sealed class Avx512FactAttribute : FactAttribute
{
    public Avx512FactAttribute(string reason)
    {
        if (!Avx512F.IsSupported)
        {
            Skip = $"AVX-512 is not supported on this machine (Avx512F.IsSupported is false): {reason}";
        }
    }
}
