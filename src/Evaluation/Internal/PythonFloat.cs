using System.Globalization;
using System.Numerics;

namespace LeaPformer.Evaluation.Internal;

/// <summary>
/// Python's <c>round(x, digits)</c> and <c>repr(float)</c>, so scores.tsv matches what SimulEval's
/// <c>round(value, 3)</c> and pandas write, digit for digit.
/// </summary>
internal static class PythonFloat
{
    /// <summary>
    /// Round half to even on the exact binary value (round(0.0625, 3) is 0.062; 2.675 is really
    /// 2.67499.. so round(2.675, 2) is 2.67), then the double nearest that decimal, as Python does.
    /// Math.Round scales by 10^digits first, which can itself round and flip a result.
    /// </summary>
    public static double Round(double value, int digits)
    {
        if (!double.IsFinite(value) || value == 0)
        {
            return value;
        }

        long bits = BitConverter.DoubleToInt64Bits(value);
        int exponentBits = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & 0xFFFFFFFFFFFFFL;
        BigInteger mantissa = exponentBits == 0 ? fraction : fraction | (1L << 52);
        int exponent = (exponentBits == 0 ? 1 : exponentBits) - 1075;
        if (exponent >= 0)
        {
            return value; // an integer: nothing after the point
        }

        // |value| * 10^digits = mantissa * 10^digits / 2^-exponent, exactly.
        BigInteger numerator = mantissa * BigInteger.Pow(10, digits);
        BigInteger denominator = BigInteger.One << -exponent;
        BigInteger quotient = BigInteger.DivRem(numerator, denominator, out BigInteger remainder);
        int half = (remainder * 2).CompareTo(denominator);
        if (half > 0 || (half == 0 && !quotient.IsEven))
        {
            quotient += 1;
        }

        string sign = value < 0 ? "-" : string.Empty;
        return double.Parse($"{sign}{quotient}E-{digits}", NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary><c>repr(float)</c> for ordinary magnitudes: shortest round-trip digits, always a point (1200.0).</summary>
    public static string Repr(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') || !double.IsFinite(value) ? text : text + ".0";
    }
}
