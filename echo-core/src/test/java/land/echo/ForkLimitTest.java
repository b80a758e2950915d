package land.echo;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.AbstractList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One fork runs at most 2^25 - 1 effects (a child's index shares an int with its fiber's mode and
 * priority): a larger list is refused when the effect is built, before it is copied.
 */
class ForkLimitTest {
  private static final int LIMIT = 33_554_431;

  /** A list that claims {@code size} elements and fails when one is read: what was copied shows. */
  private static List<ActionEffect<String, Integer>> claiming(int size) {
    return new AbstractList<>() {
      @Override
      public ActionEffect<String, Integer> get(int index) {
        throw new IllegalStateException("copied: read element " + index);
      }

      @Override
      public <T> T[] toArray(T[] into) {
        throw new IllegalStateException("copied: " + size + " elements");
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  @Test
  void aForkOfOneEffectMoreThanTheLimitIsRefusedWithTheLimitAndTheSize() {
    assertThatThrownBy(() -> ActionEffect.all(claiming(LIMIT + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("all() runs at most 33554431 effects at once, was given 33554432: split them into groups");
    assertThatThrownBy(() -> ActionEffect.race(claiming(Integer.MAX_VALUE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("race() runs at most 33554431 effects at once, was given 2147483647");
    assertThatThrownBy(() -> ActionEffect.firstSuccess(claiming(40_000_000)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("firstSuccess() runs at most 33554431 effects");
  }

  @Test
  void aForkOfExactlyTheLimitIsAccepted() {
    // Past the check, the list is copied: this list fails on its first element instead.
    assertThatThrownBy(() -> ActionEffect.all(claiming(LIMIT)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("copied: 33554431 elements");
  }
}
