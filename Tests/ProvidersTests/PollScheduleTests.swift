import Foundation
@testable import Providers
import Testing

@Suite("The poll schedule: watched tasks by when they are next due")
struct PollScheduleTests {
    private let start = ContinuousClock.now

    private func watch(_ id: String) -> PollSchedule.Watch {
        PollSchedule.Watch(
            task: SubmittedTask(assetID: id, provider: .kling, taskID: "t-\(id)", kind: .video, model: "kling-v1"),
            deadline: start + .seconds(600), timeout: .seconds(600), interval: .seconds(10), onResult: { _ in })
    }

    @Test("watches come due in the order of their instants, each once, and not while being polled")
    func dueInOrder() {
        var schedule = PollSchedule()
        let late = schedule.makeID(), early = schedule.makeID(), middle = schedule.makeID()
        schedule.add(watch("late"), id: late, due: start + .seconds(30))
        schedule.add(watch("early"), id: early, due: start + .seconds(10))
        schedule.add(watch("middle"), id: middle, due: start + .seconds(20))
        #expect(schedule.count == 3)
        #expect(schedule.nextDue() == start + .seconds(10))
        #expect(schedule.takeDue(at: start + .seconds(5)).isEmpty)
        #expect(schedule.takeDue(at: start + .seconds(20)) == [early, middle])
        // Taken watches stay in the schedule (being polled) but are not due again until rescheduled.
        #expect(schedule.count == 3)
        #expect(schedule.nextDue() == start + .seconds(30))
        #expect(schedule.takeDue(at: start + .seconds(25)).isEmpty)
        schedule.reschedule(early, at: start + .seconds(40))
        #expect(schedule.takeDue(at: start + .seconds(60)) == [late, early])
        #expect(schedule.nextDue() == nil)
        #expect(schedule[middle]?.task.assetID == "middle")
    }

    @Test("a removed or rescheduled watch is not due at its old instant")
    func removedAndRescheduled() {
        var schedule = PollSchedule()
        let first = schedule.makeID(), second = schedule.makeID()
        #expect(first != second)
        schedule.add(watch("first"), id: first, due: start + .seconds(10))
        schedule.add(watch("second"), id: second, due: start + .seconds(20))
        #expect(schedule.remove(first)?.task.assetID == "first")
        #expect(schedule.remove(first) == nil)
        #expect(schedule.nextDue() == start + .seconds(20))
        schedule.reschedule(second, at: start + .seconds(50))
        #expect(schedule.nextDue() == start + .seconds(50))
        #expect(schedule.takeDue(at: start + .seconds(30)).isEmpty)
        // Rescheduling a removed watch does nothing; changing one keeps its place.
        schedule.reschedule(first, at: start + .seconds(1))
        schedule[second]?.interval = .seconds(30)
        #expect(schedule.takeDue(at: start + .seconds(50)) == [second])
        #expect(schedule[second]?.interval == .seconds(30))
        #expect(schedule.remove(second) != nil)
        #expect(schedule.count == 0)
    }
}
