using LeaPformer.Evaluation.Internal;

namespace LeaPformer.UnitTests.Evaluation;

/// <summary>Python's round(x, 3) and repr(float), which SimulEval's scores.tsv is written with.</summary>
public sealed class PythonFloatTests
{
    [Theory]
    [InlineData(2.675, 2, 2.67)] // the Python docs' example: 2.675 is stored as 2.67499999...
    [InlineData(0.0625, 3, 0.062)] // an exact tie rounds to even
    [InlineData(0.1875, 3, 0.188)]
    [InlineData(-0.0625, 3, -0.062)]
    [InlineData(283.3333333333333, 3, 283.333)]
    [InlineData(1200.0, 3, 1200.0)]
    [InlineData(0.0004, 3, 0.0)]
    public void Round_is_half_even_on_the_exact_value(double value, int digits, double expected)
    {
        Assert.Equal(expected, PythonFloat.Round(value, digits));
    }

    [Theory]
    [InlineData(1200.0, "1200.0")]
    [InlineData(0.062, "0.062")]
    [InlineData(48.531, "48.531")]
    [InlineData(0.0, "0.0")]
    public void Repr_always_shows_a_point(double value, string expected)
    {
        Assert.Equal(expected, PythonFloat.Repr(value));
    }
}
